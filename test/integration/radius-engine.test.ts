// RADIUS through the sign-in engine: Conditional Access with each RADIUS client as a resource,
// one lockout shared by RADIUS and web sign-in, and two RADIUS servers on one database giving one
// success per code (on SQLite and on PostgreSQL: same file).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { radiusClientResource } from "../../lib/conditional-access/policy-model";
import { deleteConditionalAccessPolicy, saveConditionalAccessPolicy } from "../../lib/conditional-access/policy-store";
import { getDb } from "../../lib/db/client";
import { addGroupMember, createGroup } from "../../lib/directory/groups";
import { registerRadiusClient } from "../../lib/radius/radius-clients";
import { startRadiusServer, type RadiusServer } from "../../lib/radius/radius-server";
import { checkCodeStep } from "../../lib/signin/code-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { makeToken, makeUser, tokenCode, unique, wrongCode } from "../support/factories";
import { accessRequest, sendDatagrams, sendRequest } from "../support/radius-test-client";

const db = getDb();
const admin = { ...systemActor, roles: ["Global Administrator"] };
const CODE_ONLY_NAS = "127.0.0.31";
const CHALLENGE_NAS = "127.0.0.32";

describe("RADIUS and the sign-in engine", () => {
  let servers: RadiusServer[] = [];
  const clients: Record<string, { id: string; name: string; secret: string }> = {};
  const policies: string[] = [];

  beforeAll(async () => {
    for (const [address, style] of [[CODE_ONLY_NAS, "codeOnly"], [CHALLENGE_NAS, "passwordThenCode"]] as const) {
      const name = unique(`${style} VPN `);
      const registered = await registerRadiusClient({ db, name, address, style, requireMessageAuthenticator: true, filterIds: [], actor: systemActor });
      if (!registered.ok) throw new Error(registered.reason);
      clients[address] = { id: registered.clientId, name, secret: registered.sharedSecret };
    }
    // Two instances on one database, as two `npm run radius` processes would be.
    servers = [await startRadiusServer({ db, port: 0, host: "127.0.0.1" }), await startRadiusServer({ db, port: 0, host: "127.0.0.1" })];
  });
  afterEach(async () => {
    for (const policyId of policies.splice(0)) await deleteConditionalAccessPolicy({ db, policyId, actor: systemActor });
    delete process.env.MFA_LOCKOUT_THRESHOLD;
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await db.radiusClient.deleteMany({ where: { id: { in: Object.values(clients).map((c) => c.id) } } });
  });

  async function userWithToken() {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 600_000) });
    return { user, token };
  }
  const codeOnly = (upn: string, code: string, server = servers[0]) =>
    sendRequest({ port: server.port, from: CODE_ONLY_NAS, secret: clients[CODE_ONLY_NAS].secret, request: accessRequest({ secret: clients[CODE_ONLY_NAS].secret, attributes: [["User-Name", upn], ["User-Password", code]] }) });
  const challengeRound = (attributes: [string, string | Buffer][], server = servers[0]) =>
    sendRequest({ port: server.port, from: CHALLENGE_NAS, secret: clients[CHALLENGE_NAS].secret, request: accessRequest({ secret: clients[CHALLENGE_NAS].secret, attributes }) });

  /** A policy that is on for a group holding only this user, on the RADIUS clients of these NAS addresses. */
  async function policyForUser(options: { upn: string; grant: "block" | "requireMfa"; nases: string[] }) {
    const group = await createGroup({ db, name: unique("VPN policy group "), actor: admin });
    if (!group.ok) throw new Error(group.reason);
    await addGroupMember({ db, groupId: group.groupId, upn: options.upn, actor: admin });
    const policy = await saveConditionalAccessPolicy({
      db, actor: systemActor,
      input: {
        name: unique("VPN policy "), state: "on", includeAllUsers: false, includeGroupIds: [group.groupId], excludeGroupIds: [],
        resources: options.nases.map((nas) => radiusClientResource(clients[nas].id)), grant: options.grant,
      },
    });
    if (!policy.ok) throw new Error(policy.reason);
    policies.push(policy.policyId);
  }

  it("a Conditional Access block on RADIUS clients rejects requests in both styles (logged) without checking the code", async () => {
    const { user, token } = await userWithToken();
    await policyForUser({ upn: user.upn, grant: "block", nases: [CODE_ONLY_NAS, CHALLENGE_NAS] });

    const blocked = await codeOnly(user.upn, tokenCode(token, new Date()));
    expect(blocked?.code).toBe("Access-Reject");
    expect(blocked?.attributes["Reply-Message"]).toMatch(/Conditional Access policy blocks you from signing in to/);
    const blockedPassword = await challengeRound([["User-Name", user.upn], ["User-Password", user.password]]);
    expect(blockedPassword?.code).toBe("Access-Reject");
    const rows = await db.signIn.findMany({ where: { userId: user.id }, include: { policyResults: true } });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.status).toBe("failure");
      expect(row.failureReason).toMatch(/Blocked by Conditional Access policy/);
      expect(row.policyResults.map((r) => r.result)).toContain("failure");
    }
    // The code was never checked: it still works once the block is gone.
    await deleteConditionalAccessPolicy({ db, policyId: policies.pop()!, actor: systemActor });
    expect((await codeOnly(user.upn, tokenCode(token, new Date())))?.code).toBe("Access-Accept");
  });

  it("a require-MFA policy on a RADIUS client is met by the code (code-only style)", async () => {
    const { user, token } = await userWithToken();
    await policyForUser({ upn: user.upn, grant: "requireMfa", nases: [CODE_ONLY_NAS] });
    expect((await codeOnly(user.upn, tokenCode(token, new Date())))?.code).toBe("Access-Accept");
    const row = await db.signIn.findFirstOrThrow({ where: { userId: user.id }, include: { policyResults: true } });
    expect(row).toMatchObject({ status: "success", resource: clients[CODE_ONLY_NAS].name, clientApp: "RADIUS", ipAddress: CODE_ONLY_NAS });
    expect(row.policyResults.map((r) => r.result)).toEqual(["success"]);
  });

  it("one lockout for RADIUS and web sign-in: wrong codes from both count together, and the lock refuses both", async () => {
    process.env.MFA_LOCKOUT_THRESHOLD = "3";
    const { user, token } = await userWithToken();
    const now = new Date();
    expect((await codeOnly(user.upn, wrongCode(token, now)))?.code).toBe("Access-Reject");
    const web = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client: { ipAddress: "203.0.113.9", userAgent: "Vitest" } });
    if (web.outcome !== "mfaRequired") throw new Error(web.outcome);
    expect((await checkCodeStep({ db, handle: web.handle, methodId: web.defaultMethodId, code: wrongCode(token, now) })).outcome).toBe("retry");
    const third = await codeOnly(user.upn, wrongCode(token, now));
    expect(third?.attributes["Reply-Message"]).toMatch(/Too many wrong codes/);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaLockedUntil).not.toBeNull();
    // The right code is refused now, over RADIUS (challenge style too) and on the web.
    const locked = await codeOnly(user.upn, tokenCode(token, new Date()));
    expect(locked?.code).toBe("Access-Reject");
    expect(locked?.attributes["Reply-Message"]).toMatch(/locked until/);
    const challenge = await challengeRound([["User-Name", user.upn], ["User-Password", user.password]]);
    expect(challenge?.code).toBe("Access-Challenge");
    const answer = await challengeRound([["User-Name", user.upn], ["User-Password", tokenCode(token, new Date())], ["State", challenge!.attributes.State as Buffer]]);
    expect(answer?.code).toBe("Access-Reject");
    const webAgain = await checkCodeStep({ db, handle: web.handle, methodId: web.defaultMethodId, code: tokenCode(token, new Date()) });
    expect(webAgain).toMatchObject({ outcome: "retry", message: expect.stringMatching(/locked until/) });
    expect(await db.signIn.count({ where: { userId: user.id, status: "success" } })).toBe(0);
  });

  it("the sign-in throttle of web sign-in applies to RADIUS passwords: after too many wrong ones the right one is refused", async () => {
    const { user } = await userWithToken();
    for (let i = 0; i < 5; i++) {
      const wrong = await challengeRound([["User-Name", user.upn], ["User-Password", `wrong-password-${i}`]]);
      expect(wrong?.code).toBe("Access-Reject");
    }
    const right = await challengeRound([["User-Name", user.upn], ["User-Password", user.password]]);
    expect(right?.code).toBe("Access-Reject");
    expect(right?.attributes.State).toBeUndefined();
    const last = await db.signIn.findFirstOrThrow({ where: { upn: user.upn }, orderBy: { createdAt: "desc" } });
    expect(last).toMatchObject({ status: "failure", failureReason: "Sign-in locked after too many wrong passwords", clientApp: "RADIUS" });
  });

  it("two RADIUS servers on one database: one user's code sent 20 times to each gives one Access-Accept", async () => {
    const { user, token } = await userWithToken();
    const code = tokenCode(token, new Date());
    const secret = clients[CODE_ONLY_NAS].secret;
    // Distinct requests (own identifier and authenticator), not retransmissions.
    const burst = (server: RadiusServer, offset: number) =>
      sendDatagrams({
        port: server.port, from: CODE_ONLY_NAS, secret, waitMs: 15_000,
        datagrams: Array.from({ length: 20 }, (_, i) => accessRequest({ secret, identifier: offset + i, attributes: [["User-Name", user.upn], ["User-Password", code]] })),
      });
    const replies = (await Promise.all([burst(servers[0], 0), burst(servers[1], 100)])).flat();
    expect(replies.every(Boolean)).toBe(true);
    expect(replies.filter((r) => r?.code === "Access-Accept")).toHaveLength(1);
    expect(replies.filter((r) => r?.code === "Access-Reject" && /already been used/.test(String(r.attributes["Reply-Message"])))).toHaveLength(39);
    expect(await db.signIn.count({ where: { userId: user.id, status: "success" } })).toBe(1);
    // Replays are not guesses: no failure counted.
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
  });

  it("a challenge issued by one server is answered on the other (the State lives in the database), once", async () => {
    const { user, token } = await userWithToken();
    const challenge = await challengeRound([["User-Name", user.upn], ["User-Password", user.password]], servers[0]);
    expect(challenge?.code).toBe("Access-Challenge");
    const state = challenge!.attributes.State as Buffer;
    const code = tokenCode(token, new Date());
    const [onOther, again] = [
      await challengeRound([["User-Name", user.upn], ["User-Password", code], ["State", state]], servers[1]),
      await challengeRound([["User-Name", user.upn], ["User-Password", code], ["State", state]], servers[0]),
    ];
    expect(onOther?.code).toBe("Access-Accept");
    expect(again?.code).toBe("Access-Reject");
    expect(again?.attributes["Reply-Message"]).toMatch(/timed out or the code was already entered/);
  });

  it("a challenge State is refused after two minutes", async () => {
    const { user, token } = await userWithToken();
    const challenge = await challengeRound([["User-Name", user.upn], ["User-Password", user.password]]);
    const state = challenge!.attributes.State as Buffer;
    await db.pendingSignIn.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const late = await challengeRound([["User-Name", user.upn], ["User-Password", tokenCode(token, new Date())], ["State", state]]);
    expect(late?.code).toBe("Access-Reject");
    const pending = await db.pendingSignIn.findFirstOrThrow({ where: { userId: user.id } });
    expect(pending.stage).toBe("radiusChallenge");
  });
});
