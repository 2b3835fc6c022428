// A real RADIUS client nobody here wrote — FreeRADIUS's radclient (Debian freeradius-utils) —
// against the portal's RADIUS server on the test database: password → Access-Challenge → code →
// Access-Accept; wrong code and replay rejected; wrong secret and missing Message-Authenticator
// dropped without an answer. On SQLite and on PostgreSQL (same file).
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { addGroupMember, createGroup } from "../../lib/directory/groups";
import { resetUserPassword } from "../../lib/directory/users";
import { CHALLENGE_ENDED_MESSAGE, CODE_PROMPT } from "../../lib/radius/answer-access-request";
import { clientForSource, loadRadiusClientConfigs, registerRadiusClient } from "../../lib/radius/radius-clients";
import { startRadiusServer, type RadiusServer } from "../../lib/radius/radius-server";
import { makeToken, makeUser, unique, wrongCode, tokenCode } from "../support/factories";
import { radclient, type RadclientReply } from "../support/radclient";

const db = getDb();
const hasRadclient = fs.existsSync("/usr/bin/radclient");
const admin = { ...systemActor, roles: ["Global Administrator"] };

describe.skipIf(!hasRadclient && !process.env.CI)("radclient against the portal's RADIUS server", () => {
  let server: RadiusServer;
  let secret: string;
  let clientId: string;
  let clientName: string;
  let groupId: string;

  beforeAll(async () => {
    const group = await createGroup({ db, name: unique("VPN users "), actor: admin });
    if (!group.ok) throw new Error(group.reason);
    groupId = group.groupId;
    clientName = unique("VPN concentrator ");
    const registered = await registerRadiusClient({
      db, name: clientName, address: "127.0.0.1", style: "passwordThenCode", requireMessageAuthenticator: true,
      filterIds: [{ groupId, filterId: "vpn-staff" }], actor: systemActor,
    });
    if (!registered.ok) throw new Error(registered.reason);
    ({ sharedSecret: secret, clientId } = registered);
    // radclient sends from 127.0.0.1: this client must be the one the server picks for it.
    const answering = clientForSource(await loadRadiusClientConfigs({ db }), "127.0.0.1");
    expect(answering?.name, "another registered RADIUS client answers for 127.0.0.1").toBe(clientName);
    server = await startRadiusServer({ db, port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await server?.close();
    await db.radiusClient.deleteMany({ where: { id: clientId } });
  });

  async function userWithToken() {
    const user = await makeUser();
    // Activated ten minutes ago, so the code shown now is a fresh step.
    const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 600_000) });
    return { user, token };
  }
  const send = (attributes: string[], options: { secret?: string; timeoutSeconds?: number; tries?: number } = {}) =>
    radclient({ port: server.port, secret: options.secret ?? secret, attributes, timeoutSeconds: options.timeoutSeconds, tries: options.tries });
  /** The answer's code, with radclient's whole exchange as the message when it isn't the one expected. */
  const expectAnswer = (reply: RadclientReply, code: string) => expect(reply.code, reply.output).toBe(code);
  const withAuthenticator = (attributes: string[]) => [...attributes, "Message-Authenticator = 0x00"];

  it("password → Access-Challenge with State → code → Access-Accept with the group's Filter-Id; the sign-in log has the row", async () => {
    const { user, token } = await userWithToken();
    await addGroupMember({ db, groupId, upn: user.upn, actor: admin });
    const challenge = await send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "${user.password}"`, `NAS-Identifier = "vpn-gw-1"`]));
    expectAnswer(challenge, "Access-Challenge");
    expect(challenge.attributes["Reply-Message"]).toBe(CODE_PROMPT);
    expect(challenge.attributes.State).toMatch(/^0x[0-9a-f]+$/);

    const code = tokenCode(token, new Date());
    const accept = await send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "${code}"`, `State = ${challenge.attributes.State}`]));
    expectAnswer(accept, "Access-Accept");
    expect(accept.attributes["Filter-Id"]).toBe("vpn-staff");

    const signIn = await db.signIn.findFirstOrThrow({ where: { userId: user.id }, include: { steps: { orderBy: { position: "asc" } } } });
    expect(signIn).toMatchObject({ resource: clientName, clientApp: "RADIUS", ipAddress: "127.0.0.1", status: "success", authRequirement: "multiFactor" });
    expect(signIn.userAgent).toContain("vpn-gw-1");
    expect(signIn.steps.map((s) => [s.method, s.succeeded])).toEqual([["Password", true], ["OATH verification code", true]]);

    // The State was single use: the same answer again (a new request, not a retransmission) is refused.
    const again = await send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "${code}"`, `State = ${challenge.attributes.State}`]));
    expectAnswer(again, "Access-Reject");
  });

  it("a wrong code → Access-Reject; the same good code in a second sign-in → Access-Reject (replay)", async () => {
    const { user, token } = await userWithToken();
    const ask = () => send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "${user.password}"`]));
    const answer = (state: string, code: string) => send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "${code}"`, `State = ${state}`]));

    const first = await ask();
    const wrong = await answer(first.attributes.State, wrongCode(token, new Date()));
    expectAnswer(wrong, "Access-Reject");
    expect(wrong.attributes["Reply-Message"]).toMatch(/didn't work/);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(1);

    const code = tokenCode(token, new Date());
    const second = await ask();
    expectAnswer(await answer(second.attributes.State, code), "Access-Accept");
    const third = await ask();
    const replay = await answer(third.attributes.State, code);
    expectAnswer(replay, "Access-Reject");
    expect(replay.attributes["Reply-Message"]).toMatch(/already been used/);
    expect(await db.signIn.count({ where: { userId: user.id, status: "success" } })).toBe(1);
  });

  it("one wrong code ends the challenge: the right code with the same State is refused, and a new sign-in with the password takes it", async () => {
    const { user, token } = await userWithToken();
    const ask = () => send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "${user.password}"`]));
    const answer = (state: string, code: string) => send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "${code}"`, `State = ${state}`]));

    const challenge = await ask();
    expectAnswer(challenge, "Access-Challenge");
    const wrong = await answer(challenge.attributes.State, wrongCode(token, new Date()));
    expectAnswer(wrong, "Access-Reject");
    expect(wrong.attributes["Reply-Message"]).toContain(CHALLENGE_ENDED_MESSAGE);

    const code = tokenCode(token, new Date());
    const sameState = await answer(challenge.attributes.State, code);
    expectAnswer(sameState, "Access-Reject");
    expect(sameState.attributes["Reply-Message"]).toMatch(/Sign in again/);
    // The refused State never reached the code check: the code is still unused and counted nothing.
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(1);
    const fresh = await ask();
    expectAnswer(await answer(fresh.attributes.State, code), "Access-Accept");

    const signIns = await db.signIn.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" }, include: { steps: { orderBy: { position: "asc" } } } });
    // The wrong code, the refused State (its own row), the fresh sign-in.
    expect(signIns.map((s) => [s.status, s.failureReason])).toEqual([
      ["failure", "Invalid verification code"], ["failure", "Challenge already answered or expired"], ["success", null],
    ]);
    expect(signIns[0].steps.map((s) => [s.method, s.succeeded])).toEqual([["Password", true], ["OATH verification code", false]]);
  });

  it("a temporary password → Access-Reject telling the user to set a new password in the portal first, logged; no challenge", async () => {
    const { user } = await userWithToken();
    const reset = await resetUserPassword({ db, userId: user.id, actor: { id: null, upn: "system", roles: ["Global Administrator"] } });
    if (!reset.ok) throw new Error("reset refused");
    const reply = await send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "${reset.temporaryPassword}"`]));
    expectAnswer(reply, "Access-Reject");
    expect(reply.attributes["Reply-Message"]).toMatch(/password is temporary.*Sign in at http\S+ to set a new password/);
    expect(reply.attributes.State).toBeUndefined();
    const signIn = await db.signIn.findFirstOrThrow({ where: { userId: user.id }, include: { steps: true } });
    expect(signIn).toMatchObject({ resource: clientName, clientApp: "RADIUS", status: "failure" });
    expect(signIn.failureReason).toMatch(/temporary password.*can't change it/);
    expect(signIn.steps.map((s) => [s.method, s.succeeded])).toEqual([["Password", true]]);
    // The old password no longer works either; nothing was left waiting for a code.
    expectAnswer(await send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "${user.password}"`])), "Access-Reject");
    expect(await db.pendingSignIn.count({ where: { userId: user.id } })).toBe(0);
  });

  it("a wrong password → Access-Reject with the portal's words, no challenge", async () => {
    const { user } = await userWithToken();
    const reply = await send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "not-the-password"`]));
    expectAnswer(reply, "Access-Reject");
    expect(reply.attributes["Reply-Message"]).toMatch(/account or password is incorrect/);
    expect(reply.attributes.State).toBeUndefined();
  });

  it("a wrong shared secret and a missing Message-Authenticator get no answer, and are counted", async () => {
    const { user } = await userWithToken();
    const before = (await db.radiusClient.findUniqueOrThrow({ where: { id: clientId } })).droppedCount;
    const wrongSecret = await send(withAuthenticator([`User-Name = "${user.upn}"`, `User-Password = "${user.password}"`]), { secret: "not-the-shared-secret", timeoutSeconds: 1, tries: 1 });
    expect(wrongSecret.code).toBeNull();
    expect(wrongSecret.output).toMatch(/No reply from server/);
    const noAuthenticator = await send([`User-Name = "${user.upn}"`, `User-Password = "${user.password}"`], { timeoutSeconds: 1, tries: 1 });
    expect(noAuthenticator.code).toBeNull();
    expect(noAuthenticator.output).toMatch(/No reply from server/);
    // One datagram each (radclient -r 1 sends once): each dropped and counted against the client.
    const dropped = async () => {
      await server.flushDropCounts();
      return (await db.radiusClient.findUniqueOrThrow({ where: { id: clientId } })).droppedCount;
    };
    await expect.poll(dropped, { timeout: 10_000 }).toBe(before + 2);
    // Nothing reached the sign-in engine.
    expect(await db.signIn.count({ where: { userId: user.id } })).toBe(0);
  });

  it("CHAP is refused with a Reply-Message saying PAP only", async () => {
    const { user } = await userWithToken();
    const reply = await send(withAuthenticator([`User-Name = "${user.upn}"`, `CHAP-Password = "${user.password}"`]));
    expectAnswer(reply, "Access-Reject");
    expect(reply.attributes["Reply-Message"]).toMatch(/PAP only/);
  });
});
