import { spawn } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { keyId, loadKeys } from "../../lib/crypto/key-file";
import { loadSigningKeys } from "../../lib/oidc/signing-keys";
import { loadRadiusClientConfigs, registerRadiusClient } from "../../lib/radius/radius-clients";
import { decryptSecret, reloadSecretKeys, SECRET_KEY_SOURCE, secretFingerprint } from "../../lib/crypto/secret-box";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { checkKeyRetirement, countSealedValues, resealUnderCurrentKey } from "../../lib/operations/secret-key-rotation";
import { checkCodeStep } from "../../lib/signin/code-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { codeAt } from "../../lib/otp/totp";
import { makeToken, makeUser, tokenCode, unique } from "../support/factories";

const db = getDb();
const rotateCli = path.join(process.cwd(), "lib", "cli", "rotate-secret-key.ts");

/** Runs `npm run keys:rotate` as a child process with this key list; `killAfterFirstBatch` sends SIGKILL at its first committed batch. */
function runRotation(options: { keys: string; args?: string[]; killAfterFirstBatch?: boolean }): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    // One process (node --import tsx), not the tsx launcher, whose own child would outlive a SIGKILL.
    const child = spawn(process.execPath, ["--import", "tsx", rotateCli, ...(options.args ?? [])], { env: { ...process.env, PORTAL_SECRET_KEY: options.keys }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const hear = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.killAfterFirstBatch && /re-sealed\n/.test(output) && child.exitCode === null) child.kill("SIGKILL");
    };
    child.stdout.on("data", hear);
    child.stderr.on("data", hear);
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, output }));
  });
}

/** A value in the format written before key ids were recorded: `v1:` + base64(iv | tag | ciphertext). */
function sealLegacy(key: Buffer, plain: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

const original = loadKeys(SECRET_KEY_SOURCE);
const fresh = crypto.randomBytes(32);
const b64 = (keys: Buffer[]) => keys.map((key) => key.toString("base64")).join(",");

afterAll(async () => {
  // Other test files know only the original key: leave every value sealed under it again.
  process.env.PORTAL_SECRET_KEY = b64([...original, fresh]);
  reloadSecretKeys();
  await resealUnderCurrentKey({ db, actor: { id: null, upn: "test" } });
  delete process.env.PORTAL_SECRET_KEY;
  reloadSecretKeys();
}, 300_000);

describe("PORTAL_SECRET_KEY rotation", () => {
  it("re-seals every value under the new key, survives kill -9 mid-way, and every seed still gives the right code", async () => {
    const now = new Date();
    const user = await makeUser();
    const signInToken = await makeToken({ userId: user.id, now: new Date(now.getTime() - 120_000) });
    // Many values so the rotation is cut off part-way, one of them in the format before key ids.
    const seeds = new Map<string, Buffer>([[signInToken.serialNumber, signInToken.secret]]);
    const rows = Array.from({ length: 400 }, (_, at) => {
      const secret = crypto.randomBytes(20);
      const serialNumber = unique(`ROT${at}-`);
      seeds.set(serialNumber, secret);
      const encryptedSecret = at === 0 ? sealLegacy(original[0], secret) : undefined;
      return { serialNumber, secret, encryptedSecret };
    });
    const { encryptSecret } = await import("../../lib/crypto/secret-box");
    await db.hardwareToken.createMany({
      data: rows.map((row) => ({ serialNumber: row.serialNumber, manufacturer: "Feitian", model: "c200", encryptedSecret: row.encryptedSecret ?? encryptSecret(row.secret), secretFingerprint: secretFingerprint(row.secret) })),
    });

    // Sealed values of the other domains: a RADIUS client's shared secret, the provider's signing keys.
    const radius = await registerRadiusClient({ db, name: unique("Rotation VPN "), address: "192.0.2.44", style: "codeOnly", requireMessageAuthenticator: true, filterIds: [], actor: systemActor });
    if (!radius.ok) throw new Error(radius.reason);
    const signingKeys = await loadSigningKeys({ db, now });

    const rotatedKeys = b64([fresh, ...original]);
    process.env.PORTAL_SECRET_KEY = rotatedKeys;
    reloadSecretKeys();
    const before = await countSealedValues({ db });
    expect(before.currentKeyId).toBe(keyId(fresh));
    expect(before.byKey.v1).toBeGreaterThanOrEqual(1);
    expect(before.totalRemaining).toBeGreaterThanOrEqual(401);

    const killed = await runRotation({ keys: rotatedKeys, args: ["--batch-size", "1"], killAfterFirstBatch: true });
    expect(killed.signal).toBe("SIGKILL");
    const cut = await countSealedValues({ db });
    expect(cut.totalRemaining).toBeLessThan(before.totalRemaining);
    expect(cut.totalRemaining).toBeGreaterThan(0);

    // The old key can't be retired while anything uses it; the command says how many remain.
    const refused = await runRotation({ keys: rotatedKeys, args: ["--retire", keyId(original[0])] });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(new RegExp(`can't be retired yet: \\d+ sealed values still use it`));
    const status = await runRotation({ keys: rotatedKeys, args: ["--status"] });
    expect(status.output).toContain(`${cut.totalRemaining} sealed values still use an older key`);

    // Mid-rotation both keys open every value, and sign-in works with a code of a token under either.
    const password = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client: { ipAddress: "203.0.113.9", userAgent: "Vitest" }, now });
    expect(password.outcome).toBe("mfaRequired");
    if (password.outcome !== "mfaRequired") return;
    expect(await checkCodeStep({ db, handle: password.handle, methodId: password.defaultMethodId, code: tokenCode(signInToken, now), now })).toEqual({ outcome: "complete" });

    const resumed = await runRotation({ keys: rotatedKeys });
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).toContain(`Every sealed value uses the newest key ${keyId(fresh)}`);
    expect((await countSealedValues({ db })).totalRemaining).toBe(0);

    // Every seed still produces the right code, sealed under the new key alone, with a fingerprint under it.
    const stored = await db.hardwareToken.findMany({ where: { serialNumber: { in: [...seeds.keys()] } }, omit: { encryptedSecret: false, secretFingerprint: false } });
    expect(stored).toHaveLength(seeds.size);
    const onlyNewKey = [fresh];
    for (const token of stored) {
      const seed = seeds.get(token.serialNumber)!;
      expect(token.encryptedSecret.startsWith(`v2:${keyId(fresh)}:`)).toBe(true);
      const opened = decryptSecret(token.encryptedSecret);
      expect(codeAt({ secret: opened, algorithm: "SHA1", digits: 6, period: 30, t0: 0, now })).toBe(codeAt({ secret: seed, algorithm: "SHA1", digits: 6, period: 30, t0: 0, now }));
      expect(token.secretFingerprint).toBe(secretFingerprint(seed));
    }
    process.env.PORTAL_SECRET_KEY = b64(onlyNewKey);
    reloadSecretKeys();
    for (const token of stored) expect(decryptSecret(token.encryptedSecret).equals(seeds.get(token.serialNumber)!)).toBe(true);
    const radiusConfig = (await loadRadiusClientConfigs({ db })).find((client) => client.id === radius.clientId);
    expect(radiusConfig?.secret).toBe(radius.sharedSecret);
    const reopenedKeys = await loadSigningKeys({ db, now });
    for (const key of signingKeys) expect(reopenedKeys.find((k) => k.kid === key.kid)).toEqual(key);
    process.env.PORTAL_SECRET_KEY = rotatedKeys;
    reloadSecretKeys();

    // Nothing sealed uses the old key any more: only live passes or codes (other tests') could hold it back.
    const retirement = await checkKeyRetirement({ db, keyId: keyId(original[0]) });
    if (!retirement.allowed) expect(retirement.reasons.join("; ")).not.toMatch(/sealed values/);
    const audit = await db.auditEvent.count({ where: { action: "Re-seal secrets under the current key", targetId: keyId(fresh) } });
    expect(audit).toBeGreaterThan(1);
  }, 120_000);
});
