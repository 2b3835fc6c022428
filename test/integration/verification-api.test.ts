import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { POST } from "../../app/api/verify/route";
import { getDb } from "../../lib/db/client";
import { makeToken, makeUser, tokenCode, unique, wrongCode, type TestToken } from "../support/factories";

// The verification API of relying services (VPN/RADIUS gateways): the route handler itself,
// called with real Requests against the real database (SQLite, or PostgreSQL with DATABASE_URL).
const db = getDb();
const KEY = "test-verify-key-0123456789abcdef";
// The portal's server (lib/server/serve-portal.mjs) stamps each request with its socket's address.
process.env.PORTAL_PEER_STAMP ??= "verification-api-test-stamp";

function verify(body: unknown, options: { key?: string | null; raw?: string } = {}) {
  const key = options.key === undefined ? KEY : options.key;
  return POST(
    new Request("http://portal.test/api/verify", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}), "X-Portal-Peer": `${process.env.PORTAL_PEER_STAMP} 203.0.113.9` },
      body: options.raw ?? JSON.stringify(body),
    }),
  );
}

/** A user with a token activated a minute ago, so the code it shows now is unused. */
async function userWithToken() {
  const user = await makeUser();
  const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 60_000) });
  return { user, token };
}

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);
const auditReasons = async (userId: string) =>
  (await db.auditEvent.findMany({ where: { actorId: userId, action: "Code verification by a relying service" }, orderBy: { sequence: "asc" } })).map((e) => JSON.parse(e.details).reason);

describe("verification API (POST /api/verify)", () => {
  beforeEach(() => {
    process.env.VERIFY_API_KEY = KEY;
  });
  afterEach(() => {
    delete process.env.VERIFY_API_KEY;
  });

  it("accepts the user's current code once; the same code again is a replay; the next step's code is accepted", async () => {
    const { user, token } = await userWithToken();
    const code = tokenCode(token, new Date());
    const first = await verify({ upn: user.upn.toUpperCase(), code: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ result: "accepted" });
    const replay = await verify({ upn: user.upn, code });
    expect(await replay.json()).toEqual({ result: "rejected", reason: "replayed" });
    expect(await db.auditEvent.count({ where: { actorId: user.id, action: "Verification code replayed" } })).toBe(1);
    expect(await (await verify({ upn: user.upn, code: tokenCode(token, inSeconds(30)) })).json()).toEqual({ result: "accepted" });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.mfaFailedCount).toBe(0);
    expect(stored.lastMfaAt).not.toBeNull();
  });

  it("rejects a wrong code as invalidCode, counts one failure and audits it without the code", async () => {
    const { user, token } = await userWithToken();
    const code = wrongCode(token, new Date());
    const response = await verify({ upn: user.upn, code });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: "rejected", reason: "invalidCode" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(1);
    const [event] = await db.auditEvent.findMany({ where: { actorId: user.id, action: "Code verification by a relying service" } });
    expect(event).toMatchObject({ result: "failure", ipAddress: "203.0.113.9", targetLabel: user.upn });
    expect(JSON.parse(event.details)).toEqual({ reason: "wrongCode" });
    expect(JSON.stringify(event)).not.toContain(code);
  });

  it("tries every usable method, default first, and counts a wrong code once however many the user holds", async () => {
    const user = await makeUser();
    const tokens: TestToken[] = [];
    for (let i = 0; i < 3; i++) tokens.push(await makeToken({ userId: user.id, now: new Date(Date.now() - 60_000) }));
    // A code of the third token is accepted (the gateway doesn't say which token it came from).
    expect(await (await verify({ upn: user.upn, code: tokenCode(tokens[2], new Date()) })).json()).toEqual({ result: "accepted" });
    // A code none of the three tokens shows anywhere near now.
    const shown = new Set(tokens.flatMap((token) => [-3, -2, -1, 0, 1, 2, 3].map((offset) => tokenCode(token, new Date(), offset))));
    const wrong = ["000000", "111111", "222222", "333333"].find((code) => !shown.has(code))!;
    expect(await (await verify({ upn: user.upn, code: wrong })).json()).toEqual({ result: "rejected", reason: "invalidCode" });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(1);
  });

  it("answers an unknown user, a disabled user and a user without a usable method exactly like a wrong code", async () => {
    const unknown = `${unique("nobody")}@contoso.example`;
    const { user: disabled, token } = await userWithToken();
    await db.user.update({ where: { id: disabled.id }, data: { enabled: false } });
    const { user: pending } = await (async () => {
      const user = await makeUser();
      await makeToken({ userId: user.id, activate: false });
      return { user };
    })();
    const before = await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } });
    for (const [upn, code] of [[unknown, "123456"], [disabled.upn, tokenCode(token, new Date())], [pending.upn, "123456"]]) {
      const response = await verify({ upn, code });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ result: "rejected", reason: "invalidCode" });
    }
    expect(await auditReasons(disabled.id)).toEqual(["disabledUser"]);
    expect(await auditReasons(pending.id)).toEqual(["noUsableMethod"]);
    expect(await db.auditEvent.count({ where: { actorUpn: unknown, actorId: null, details: JSON.stringify({ reason: "unknownUser" }) } })).toBe(1);
    // The disabled user's token was not used up by the refused attempt.
    expect((await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedStep).toBe(before.lastUsedStep);
  });

  it("obeys the authentication methods policy: a token outside the user's groups doesn't answer, nor an app of a disabled kind", async () => {
    const { user, token } = await userWithToken();
    const otherUser = await makeUser();
    const group = await db.group.create({ data: { name: unique("vpn-users") } });
    // The user is in no group the policy names (another user is): the token is out of scope.
    await db.groupMember.create({ data: { groupId: group.id, userId: otherUser.id } });
    const scoped = { enabled: true, includeAllUsers: false, settings: JSON.stringify({ allowSelfActivation: true }) };
    await db.authenticationMethodPolicy.create({ data: { method: "hardwareOath", ...scoped, groups: { create: [{ groupId: group.id }] } } });
    await db.authenticationMethodPolicy.create({ data: { method: "softwareOath", enabled: false, includeAllUsers: true, settings: "{}" } });
    try {
      expect(await (await verify({ upn: user.upn, code: tokenCode(token, new Date()) })).json()).toEqual({ result: "rejected", reason: "invalidCode" });
      expect(await auditReasons(user.id)).toEqual(["noUsableMethod"]);
      // In the group, the same code is accepted: it wasn't used up by the refusal.
      await db.groupMember.create({ data: { groupId: group.id, userId: user.id } });
      expect(await (await verify({ upn: user.upn, code: tokenCode(token, new Date()) })).json()).toEqual({ result: "accepted" });
    } finally {
      await db.authenticationMethodPolicy.deleteMany({});
    }
  });

  it("locks at the threshold: then even the right code is refused, and the answer stays invalidCode", async () => {
    const { user, token } = await userWithToken();
    const before = await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } });
    const wrong = wrongCode(token, new Date());
    for (let i = 0; i < 10; i++) expect(await (await verify({ upn: user.upn, code: wrong })).json()).toEqual({ result: "rejected", reason: "invalidCode" });
    const locked = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(locked.mfaFailedCount).toBe(10);
    expect(locked.mfaLockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await (await verify({ upn: user.upn, code: tokenCode(token, new Date()) })).json()).toEqual({ result: "rejected", reason: "invalidCode" });
    expect(await db.auditEvent.count({ where: { actorId: user.id, action: "MFA locked after too many wrong codes" } })).toBe(1);
    expect((await auditReasons(user.id)).at(-1)).toBe("locked");
    // The right code, refused while locked, was not used up.
    expect((await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedStep).toBe(before.lastUsedStep);
  });

  it("refuses a missing or wrong key with 401 before looking at the body or the database", async () => {
    const { user, token } = await userWithToken();
    const code = tokenCode(token, new Date());
    for (const key of [null, "wrong-key", `${KEY}x`, KEY.slice(0, -1)]) {
      const response = await verify({ upn: user.upn, code }, { key });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
      expect((await response.json()).error).toContain("Authorization: Bearer");
    }
    // A session cookie or a same-origin request is no substitute for the key.
    const withCookie = await POST(new Request("http://portal.test/api/verify", { method: "POST", headers: { Origin: "http://portal.test", Cookie: "authjs.session-token=x", Authorization: "Basic abc" }, body: JSON.stringify({ upn: user.upn, code }) }));
    expect(withCookie.status).toBe(401);
    // Nothing was verified: the code is still unused.
    expect(await (await verify({ upn: user.upn, code })).json()).toEqual({ result: "accepted" });
  });

  it("does not exist (404) while VERIFY_API_KEY is unset", async () => {
    delete process.env.VERIFY_API_KEY;
    const response = await verify({ upn: "alice@contoso.example", code: "123456" });
    expect(response.status).toBe(404);
    process.env.VERIFY_API_KEY = "   ";
    expect((await verify({ upn: "alice@contoso.example", code: "123456" }, { key: "   " })).status).toBe(404);
  });

  it("answers bad JSON and bad fields with a 400 that says what to send", async () => {
    const { user } = await userWithToken();
    const notJson = await verify(null, { raw: "{upn: alice" });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toContain("must be JSON");
    const cases: [unknown, string, string][] = [
      [{ code: "123456" }, "upn", "upn is required"],
      [{ upn: "  ", code: "123456" }, "upn", "upn is empty"],
      [{ upn: user.upn }, "code", "code is required"],
      [{ upn: user.upn, code: 123456 }, "code", "code is required"],
      [{ upn: user.upn, code: "12345" }, "code", "6 or 8 digits"],
      [{ upn: user.upn, code: "12345a" }, "code", "6 or 8 digits"],
      [{ upn: "x".repeat(300), code: "123456" }, "upn", "longer than 256"],
    ];
    for (const [body, field, message] of cases) {
      const response = await verify(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const answer = await response.json();
      expect(answer.fieldErrors[field].join(" "), JSON.stringify(body)).toContain(message);
    }
    for (const body of [[1, 2], "123456", null]) {
      const response = await verify(body);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toContain("must be a JSON object");
    }
    // None of them counted as a failed code.
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(0);
  });
});
