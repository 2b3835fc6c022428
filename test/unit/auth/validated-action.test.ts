import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

// The DAL needs a request: a stand-in signed-in user answers for it here.
vi.mock("../../../lib/server/current-user", () => ({
  getCurrentUser: async () => ({ id: "u1", upn: "u1@contoso.example", displayName: "U", roles: [], sessionId: "s1", sessionMfaAt: null, session: { id: "s1", userId: "u1", expiresAt: new Date(Date.now() + 3_600_000), mfaAt: null, resources: ["Security info"] } }),
  enterResourceAs: async () => ({ outcome: "allowed" }),
}));
const { validatedAction } = await import("../../../lib/server/validated-action");

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
