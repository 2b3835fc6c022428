import crypto from "node:crypto";
import { createChallenge, randomInt, verifySolution, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { z } from "zod";
import { loadKeys } from "../crypto/key-file";
import type { DatabaseOrTransaction } from "../db/client";
import { setting } from "../shared/config";

/**
 * The self-hosted proof-of-work CAPTCHA of password reset (ALTCHA, no third-party service): the
 * server signs a challenge whose answer is a counter below `maxNumber`; the browser finds it by
 * hashing (SHA-256, Web Crypto) and sends it back. Verifying costs one HMAC. A solved challenge is
 * remembered until it expires, so it opens one request only.
 */
const CHALLENGE_LIFETIME_MINUTES = 10;

/**
 * How hard the puzzle is: the browser tries on average half of PASSWORD_RESET_CAPTCHA_MAX_NUMBER
 * SHA-256 hashes (default 50,000 → well under a second in a current browser). Tests lower it.
 */
export function captchaMaxNumber(): number {
  return setting("PASSWORD_RESET_CAPTCHA_MAX_NUMBER");
}

type CaptchaSecrets = { challenge: string; key: string };
let cachedSecrets: CaptchaSecrets[] | null = null;

/**
 * Two HMAC secrets derived from each key of PASSWORD_RESET_CAPTCHA_KEY (a list, newest first) or a
 * generated data/captcha.key: the newest signs new challenges, every one verifies, so a challenge
 * handed out just before a key rotation can still be answered.
 */
function captchaSecrets(): CaptchaSecrets[] {
  if (cachedSecrets) return cachedSecrets;
  cachedSecrets = loadKeys({ envName: "PASSWORD_RESET_CAPTCHA_KEY", fileName: "captcha.key" }).map((key) => {
    const derive = (purpose: string) => crypto.createHmac("sha256", key).update(purpose).digest("base64url");
    return { challenge: derive("altcha-challenge"), key: derive("altcha-key-signature") };
  });
  return cachedSecrets;
}

/** A new signed challenge for the browser to solve. */
export async function createCaptchaChallenge(options: { now?: Date } = {}): Promise<Challenge> {
  const now = options.now ?? new Date();
  const secrets = captchaSecrets()[0];
  return createChallenge({
    algorithm: "SHA-256",
    cost: 1,
    counter: randomInt(captchaMaxNumber(), 0),
    deriveKey,
    expiresAt: new Date(now.getTime() + CHALLENGE_LIFETIME_MINUTES * 60_000),
    hmacSignatureSecret: secrets.challenge,
    hmacKeySignatureSecret: secrets.key,
  });
}

const payloadSchema = z.object({
  challenge: z.object({ parameters: z.record(z.string(), z.unknown()), signature: z.string().max(256) }),
  solution: z.object({ counter: z.number(), derivedKey: z.string().max(256) }),
});

export const CAPTCHA_MESSAGE = "Complete the check that you're not a robot, then select Next again.";

/**
 * Checks the browser's answer (base64 JSON of the challenge and solution): signed by us, not
 * expired, solved, and not used before — the first use is recorded atomically (primary key), so
 * a replayed answer fails even when sent to another instance at the same moment.
 */
export async function verifyCaptcha(options: { db: DatabaseOrTransaction; payload: unknown; now?: Date }): Promise<boolean> {
  const now = options.now ?? new Date();
  if (typeof options.payload !== "string" || options.payload.length > 4096) return false;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(options.payload, "base64").toString("utf8"));
  } catch {
    return false;
  }
  const parsed = payloadSchema.safeParse(decoded);
  if (!parsed.success) return false;
  const challenge = parsed.data.challenge as unknown as Challenge;
  let verified = false;
  for (const secrets of captchaSecrets()) {
    try {
      const result = await verifySolution({ challenge, solution: parsed.data.solution, deriveKey, hmacSignatureSecret: secrets.challenge, hmacKeySignatureSecret: secrets.key });
      verified = result.verified;
    } catch {
      verified = false;
    }
    if (verified) break;
  }
  const expiresAt = Number(challenge.parameters.expiresAt);
  if (!verified || !Number.isFinite(expiresAt) || expiresAt * 1000 <= now.getTime()) return false;
  const id = crypto.createHash("sha256").update(parsed.data.challenge.signature).digest("base64url");
  try {
    await options.db.captchaSolution.create({ data: { id, expiresAt: new Date(expiresAt * 1000) } });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return false;
    throw error;
  }
}

/** Used answers are kept only while their challenge could still be accepted. */
export async function sweepCaptchaSolutions(options: { db: DatabaseOrTransaction; now: Date }): Promise<void> {
  await options.db.captchaSolution.deleteMany({ where: { expiresAt: { lt: options.now } } });
}
