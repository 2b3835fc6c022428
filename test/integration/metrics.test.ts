import { afterEach, describe, expect, it } from "vitest";
import { GET } from "../../app/api/metrics/route";
import crypto from "node:crypto";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { encodeBase32 } from "../../lib/otp/base32";
import { runTokenImport } from "../../lib/tokens/import/run-token-import";
import { storeTokenUpload } from "../../lib/tokens/import/store-token-upload";
import { lockoutPolicy } from "../../lib/otp/lockout";
import { checkCodeStep } from "../../lib/signin/code-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { makeToken, makeUser, tokenCode, unique, wrongCode } from "../support/factories";
import { parsePrometheusText, sampleValue } from "../support/prometheus-text";

const db = getDb();
const client = { ipAddress: "203.0.113.20", userAgent: "Vitest" };
const TOKEN = "metrics-test-token-0123456789";

afterEach(() => {
  delete process.env.METRICS_TOKEN;
});

async function scrape() {
  const response = await GET(new Request("http://portal.test/api/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } }));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

describe("GET /api/metrics", () => {
  it("doesn't exist without METRICS_TOKEN, and wants the token as a bearer", async () => {
    expect((await GET(new Request("http://portal.test/api/metrics"))).status).toBe(404);
    process.env.METRICS_TOKEN = TOKEN;
    expect((await GET(new Request("http://portal.test/api/metrics"))).status).toBe(401);
    const wrong = await GET(new Request("http://portal.test/api/metrics", { headers: { Authorization: `Bearer ${TOKEN}x` } }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
  });

  it("moves sign-in, code check, latency and lockout metrics after real sign-ins", async () => {
    process.env.METRICS_TOKEN = TOKEN;
    const before = await scrape();
    const now = new Date();
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: new Date(now.getTime() - 120_000) });

    // One good sign-in with a code, one replay of that code, one wrong password.
    const first = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client, now });
    if (first.outcome !== "mfaRequired") throw new Error(first.outcome);
    const code = tokenCode(token, now);
    expect(await checkCodeStep({ db, handle: first.handle, methodId: first.defaultMethodId, code, now })).toEqual({ outcome: "complete" });
    const second = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client, now });
    if (second.outcome !== "mfaRequired") throw new Error(second.outcome);
    expect(await checkCodeStep({ db, handle: second.handle, methodId: second.defaultMethodId, code, now })).toMatchObject({ outcome: "retry" });
    expect(await checkPasswordStep({ db, upn: user.upn, password: "not-the-password", callbackUrl: "/mysecurityinfo", client, now })).toMatchObject({ outcome: "failed" });

    // Another user locks their MFA with wrong codes.
    const locked = await makeUser();
    const lockedToken = await makeToken({ userId: locked.id, now: new Date(now.getTime() - 120_000) });
    const threshold = lockoutPolicy().threshold;
    for (let attempt = 0; attempt < threshold; attempt++) {
      const step = await checkPasswordStep({ db, upn: locked.upn, password: locked.password, callbackUrl: "/mysecurityinfo", client, now });
      if (step.outcome !== "mfaRequired") break;
      await checkCodeStep({ db, handle: step.handle, methodId: step.defaultMethodId, code: wrongCode(lockedToken, now), now });
    }

    // An import of 50 rows.
    const serial = unique("MT");
    const csv = ["upn,serial number,secret key,time interval,manufacturer,model", ...Array.from({ length: 50 }, (_, at) => `,${serial}-${at},${encodeBase32(crypto.randomBytes(20))},30,Feitian,c200`)].join("\n");
    const { importId } = await storeTokenUpload({ db, fileName: "metrics.csv", body: (async function* () { yield Buffer.from(csv); })(), actor: systemActor });
    expect(await runTokenImport({ db, importId })).toBe("completed");

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(after.get("portal_sign_ins_total")?.type).toBe("counter");
    expect(moved("portal_sign_ins_total", { result: "success", method: "OATH verification code" })).toBeGreaterThanOrEqual(1);
    expect(moved("portal_sign_ins_total", { result: "failure", method: "Password" })).toBeGreaterThanOrEqual(1);
    expect(moved("portal_code_checks_total", { outcome: "accepted" })).toBeGreaterThanOrEqual(1);
    expect(moved("portal_code_checks_total", { outcome: "replayed" })).toBeGreaterThanOrEqual(1);
    expect(moved("portal_code_checks_total", { outcome: "wrong" })).toBeGreaterThanOrEqual(threshold - 1);
    expect(after.get("portal_code_verification_seconds")?.type).toBe("histogram");
    expect(moved("portal_code_verification_seconds_count")).toBeGreaterThanOrEqual(threshold + 2);
    expect(sampleValue(after, "portal_code_verification_seconds_bucket", { le: "+Inf" })).toBe(sampleValue(after, "portal_code_verification_seconds_count"));
    expect(sampleValue(after, "portal_mfa_active_lockouts")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, "portal_mfa_active_lockouts")).toBe(await db.user.count({ where: { mfaLockedUntil: { gt: new Date() } } }));
    expect(sampleValue(after, "portal_outbox_backlog")).toBe(await db.outboxMessage.count({ where: { sentAt: null } }));
    expect(moved("portal_token_import_rows_total")).toBe(50);
    expect(sampleValue(after, "portal_database_up")).toBe(1);
    expect(after.get("portal_database_latency_seconds")?.samples).toHaveLength(1);
    expect(sampleValue(after, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});
