import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

// The DAL needs a request: a stand-in signed-in user answers for it here.
vi.mock("../../../lib/server/current-user", () => ({
  getCurrentUser: async () => ({ id: "u1", upn: "u1@contoso.example", displayName: "U", roles: [], sessionId: "s1", sessionMfaAt: null, session: { id: "s1", userId: "u1", expiresAt: new Date(Date.now() + 3_600_000), mfaAt: null, resources: ["Security info"] } }),
  enterResourceAs: async () => ({ outcome: "allowed" }),
}));
const { formCheckbox, formList, validatedAction } = await import("../../../lib/server/validated-action");

describe("validatedAction: what a hand-made request can send", () => {
  const ran = vi.fn(async () => ({ success: "ran" }));
  const action = validatedAction({ access: "signedIn", schema: z.object({ name: z.string().max(5) }) }, ran);

  it.each([
    ["a string", "name=x"],
    ["a plain object", { name: "x" }],
    ["null", null],
    ["nothing", undefined],
  ])("answers %s instead of the form with an error and runs nothing", async (_label, argument) => {
    const answer = await action(undefined, argument as unknown as FormData);
    expect(answer).toEqual({ error: "This form could not be read. Reload the page and try again." });
    expect(ran).not.toHaveBeenCalled();
  });

  it("answers a file where text belongs with a field error", async () => {
    const form = new FormData();
    form.set("name", new Blob(["x"]));
    expect(await action(undefined, form)).toMatchObject({ error: "Check the highlighted fields and try again.", fieldErrors: { name: expect.any(Array) } });
    expect(ran).not.toHaveBeenCalled();
  });

  it("runs with a valid form", async () => {
    const form = new FormData();
    form.set("name", "Alice");
    expect(await action(undefined, form)).toEqual({ success: "ran" });
  });
});

describe("validatedAction: checkboxes and checkbox lists arrive typed", () => {
  const schema = z.object({ enabled: formCheckbox(), notify: formCheckbox("yes"), groups: formList(z.array(z.string())) });
  const received: z.infer<typeof schema>[] = [];
  const action = validatedAction({ access: "signedIn", schema }, async (input) => {
    received.push(input);
    return { success: "ran" };
  });

  it("reads ticked and unticked boxes as true and false, and any number of list values as an array", async () => {
    const ticked = new FormData();
    ticked.set("enabled", "on");
    ticked.set("notify", "yes");
    ticked.append("groups", "g1");
    ticked.append("groups", "g2");
    await action(undefined, ticked);
    const unticked = new FormData();
    unticked.set("notify", "no");
    await action(undefined, unticked);
    const one = new FormData();
    one.set("groups", "g1");
    await action(undefined, one);
    expect(received).toEqual([
      { enabled: true, notify: true, groups: ["g1", "g2"] },
      { enabled: false, notify: false, groups: [] },
      { enabled: false, notify: false, groups: ["g1"] },
    ]);
  });
});
