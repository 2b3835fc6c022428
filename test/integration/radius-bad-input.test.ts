// Bad input to the RADIUS server: broken framing, duplicate and unknown attributes, a
// retransmitted request, a flood from one address, an unknown source. Dropped (counted) or
// rejected, never a crash, never a success in the sign-in log; a retransmission is answered
// from the cache without checking the code again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { clientForSource, loadRadiusClientConfigs, registerRadiusClient } from "../../lib/radius/radius-clients";
import { startRadiusServer, type RadiusServer } from "../../lib/radius/radius-server";
import { makeToken, makeUser, tokenCode, unique } from "../support/factories";
import { accessRequest, sendDatagrams, sendRequest } from "../support/radius-test-client";

const db = getDb();
const NAS = "127.0.0.21";
const FLOODING_NAS = "127.0.0.22";

describe("RADIUS server under bad input", () => {
  let server: RadiusServer;
  let secret: string;
  let floodSecret: string;
  const clientIds: string[] = [];

  beforeAll(async () => {
    for (const address of [NAS, FLOODING_NAS]) {
      const registered = await registerRadiusClient({
        db, name: unique("Bad input NAS "), address, style: "codeOnly", requireMessageAuthenticator: true, filterIds: [], actor: systemActor,
      });
      if (!registered.ok) throw new Error(registered.reason);
      clientIds.push(registered.clientId);
      if (address === NAS) secret = registered.sharedSecret;
      else floodSecret = registered.sharedSecret;
    }
    server = await startRadiusServer({ db, port: 0, host: "127.0.0.1", maxRequestsPerSecondPerAddress: 5 });
  });
  afterAll(async () => {
    await server?.close();
    await db.radiusClient.deleteMany({ where: { id: { in: clientIds } } });
  });

  const dropCount = async (reason: string) => {
    await server.flushDropCounts();
    return (await db.radiusDropCount.findUnique({ where: { reason } }))?.count ?? 0;
  };
  const answerTo = (datagram: Buffer, from = NAS) => sendRequest({ port: server.port, from, secret, request: datagram, waitMs: 700 });

  it("broken framing is dropped without an answer and counted as malformed", async () => {
    const user = await makeUser();
    const good = accessRequest({ secret, attributes: [["User-Name", user.upn], ["User-Password", "123456"]] });
    const before = await dropCount("malformed");
    const lengthPastEnd = Buffer.from(good);
    lengthPastEnd.writeUInt16BE(good.length + 10, 2);
    const lengthTooSmall = Buffer.from(good);
    lengthTooSmall.writeUInt16BE(19, 2);
    const attributePastEnd = Buffer.concat([good, Buffer.from([1, 40, 0x61])]);
    attributePastEnd.writeUInt16BE(attributePastEnd.length, 2);
    const attributeLengthOne = Buffer.concat([good, Buffer.from([5, 1])]);
    attributeLengthOne.writeUInt16BE(attributeLengthOne.length, 2);
    const oversized = Buffer.alloc(5000, 0);
    oversized[0] = 1;
    const duplicateUserName = accessRequest({ secret, attributes: [["User-Name", user.upn], ["User-Name", "someone-else@contoso.example"], ["User-Password", "123456"]] });
    const shortPassword = Buffer.concat([good.subarray(0, 20), Buffer.from([1, 4, 0x61, 0x62, 2, 7, 1, 2, 3, 4, 5])]);
    shortPassword.writeUInt16BE(shortPassword.length, 2);
    const broken = [good.subarray(0, 10), lengthPastEnd, lengthTooSmall, attributePastEnd, attributeLengthOne, oversized, duplicateUserName, shortPassword];
    for (const datagram of broken) expect(await answerTo(datagram)).toBeNull();
    expect(await dropCount("malformed")).toBe(before + broken.length);
    // The server still answers a good request afterwards.
    const reply = await answerTo(accessRequest({ secret, attributes: [["User-Name", user.upn], ["User-Password", "123456"]] }));
    expect(reply?.code).toBe("Access-Reject");
    expect(await db.signIn.count({ where: { upn: user.upn, status: "success" } })).toBe(0);
  });

  it("an unknown attribute is ignored; other packet codes and unknown sources get no answer", async () => {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 600_000) });
    const withUnknown = accessRequest({ secret, attributes: [["User-Name", user.upn], ["User-Password", tokenCode(token, new Date())], [250, Buffer.from("opaque")]] });
    expect((await answerTo(withUnknown))?.code).toBe("Access-Accept");

    const accounting = Buffer.from(accessRequest({ secret, attributes: [["User-Name", user.upn]] }));
    accounting[0] = 4;
    const beforeOther = await dropCount("notAccessRequest");
    expect(await answerTo(accounting)).toBeNull();
    expect(await dropCount("notAccessRequest")).toBe(beforeOther + 1);

    const beforeUnknown = await dropCount("unknownAddress");
    expect(await answerTo(accessRequest({ secret, attributes: [["User-Name", user.upn], ["User-Password", "123456"]] }), "127.0.0.29")).toBeNull();
    expect(await dropCount("unknownAddress")).toBe(beforeUnknown + 1);
    expect(await db.signIn.count({ where: { upn: user.upn } })).toBe(1);
  });

  it("a retransmitted request (same source, identifier, authenticator) gets the first answer again; the code is checked once", async () => {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 600_000) });
    const request = accessRequest({ secret, attributes: [["User-Name", user.upn], ["User-Password", tokenCode(token, new Date())]] });
    const replies = await sendDatagrams({ port: server.port, from: NAS, secret, datagrams: [request, request, request] });
    expect(replies.map((r) => r?.code)).toEqual(["Access-Accept", "Access-Accept", "Access-Accept"]);
    expect(replies[1]?.raw.equals(replies[0]!.raw)).toBe(true);
    // One verification: one sign-in row, no replay audited.
    expect(await db.signIn.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "Verification code replayed", targetId: token.id } })).toBe(0);
  });

  it("a flood from one address is dropped past its allowance and counted; other addresses are still answered", async () => {
    const user = await makeUser();
    const before = await dropCount("flood");
    const datagrams = Array.from({ length: 20 }, (_, i) => accessRequest({ secret: floodSecret, identifier: i, attributes: [["User-Name", user.upn], ["User-Password", "000000"]] }));
    const replies = await sendDatagrams({ port: server.port, from: FLOODING_NAS, secret: floodSecret, datagrams, waitMs: 2000 });
    const answered = replies.filter(Boolean).length;
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThanOrEqual(10); // 5 a second; the burst may straddle two seconds
    expect(await dropCount("flood")).toBe(before + (20 - answered));
    expect(replies.every((r) => r === null || r.code === "Access-Reject")).toBe(true);
    expect((await answerTo(accessRequest({ secret, attributes: [["User-Name", user.upn], ["User-Password", "000000"]] })))?.code).toBe("Access-Reject");
  });

  it("a client whose stored secret no configured key opens is left out; the server starts and answers the others", async () => {
    const unreadable = await registerRadiusClient({
      db, name: unique("Unreadable NAS "), address: "127.0.0.23", style: "codeOnly", requireMessageAuthenticator: true, filterIds: [], actor: systemActor,
    });
    if (!unreadable.ok) throw new Error(unreadable.reason);
    clientIds.push(unreadable.clientId);
    // Sealed under a key since removed from PORTAL_SECRET_KEY: the format is right, no key opens it.
    await db.radiusClient.update({ where: { id: unreadable.clientId }, data: { sealedSecret: `v2:00000000:${Buffer.alloc(60, 7).toString("base64")}` } });
    const second = await startRadiusServer({ db, port: 0, host: "127.0.0.1" });
    try {
      const user = await makeUser();
      const request = accessRequest({ secret, attributes: [["User-Name", user.upn], ["User-Password", "000000"]] });
      expect((await sendRequest({ port: second.port, from: NAS, secret, request, waitMs: 700 }))?.code).toBe("Access-Reject");
      const fromUnreadable = accessRequest({ secret: unreadable.sharedSecret, attributes: [["User-Name", user.upn], ["User-Password", "000000"]] });
      expect(await sendRequest({ port: second.port, from: "127.0.0.23", secret: unreadable.sharedSecret, request: fromUnreadable, waitMs: 700 })).toBeNull();
    } finally {
      await second.close();
    }
  });

  it("a source is matched to the narrowest registered address or range; between equal ones, the first by name", async () => {
    const prefix = unique("Match order ");
    const ids: string[] = [];
    try {
      for (const [name, address] of [["A range", "127.0.1.0/24"], ["B single", "127.0.1.5"], ["C range", "127.0.1.0/24"]]) {
        const registered = await registerRadiusClient({ db, name: `${prefix}${name}`, address, style: "codeOnly", requireMessageAuthenticator: true, filterIds: [], actor: systemActor });
        if (!registered.ok) throw new Error(registered.reason);
        ids.push(registered.clientId);
      }
      const clients = await loadRadiusClientConfigs({ db });
      expect(clientForSource(clients, "127.0.1.5")?.name).toBe(`${prefix}B single`);
      expect(clientForSource(clients, "127.0.1.9")?.name).toBe(`${prefix}A range`);
      expect(clientForSource(clients, "::ffff:127.0.1.9")?.name).toBe(`${prefix}A range`);
    } finally {
      await db.radiusClient.deleteMany({ where: { id: { in: ids } } });
    }
  });
});
