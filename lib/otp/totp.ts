import crypto from "node:crypto";
import { HOTP, Secret } from "otpauth";

export type OathAlgorithm = "SHA1" | "SHA256" | "SHA512";

/** The parameters a code depends on: each token's own (C2). */
export type OathParameters = {
  secret: Buffer;
  algorithm: OathAlgorithm;
  digits: number;
  /** seconds per step: 30 or 60 */
  period: number;
  /** Unix seconds the steps count from */
  t0: number;
};

/** The RFC 6238 time step at a moment (a plain number: exact well past 2^32 steps). */
export function timeStepAt(options: { now: Date; period: number; t0: number }): number {
  return Math.floor((options.now.getTime() / 1000 - options.t0) / options.period);
}

/**
 * The code for a given step: RFC 4226 HOTP over the step counter, with Node's native HMAC
 * (the wide activation window and find-by-code compute thousands of these; otpauth's pure-JS
 * HMAC is several times slower — a unit test checks both agree). Codes are strings.
 */
export function codeForStep(options: OathParameters & { step: number }): string {
  if (options.step < 0) return ""; // before the token's T0: no code exists (and "" matches nothing)
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(options.step));
  const mac = crypto.createHmac(options.algorithm.toLowerCase(), options.secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** options.digits;
  return String(binary).padStart(options.digits, "0");
}

/** otpauth's HOTP, kept as the reference the native implementation is tested against. */
export function referenceCodeForStep(options: OathParameters & { step: number }): string {
  return HOTP.generate({
    secret: new Secret({ buffer: bufferOf(options.secret) }),
    algorithm: options.algorithm,
    digits: options.digits,
    counter: options.step,
  });
}

/** The code a token shows at a moment, given its learned drift in steps. */
export function codeAt(options: OathParameters & { now: Date; driftSteps?: number }): string {
  return codeForStep({ ...options, step: timeStepAt(options) + (options.driftSteps ?? 0) });
}

/**
 * Finds the step, among `steps`, whose code equals `code`. Every candidate is computed and
 * compared in constant time (C5) so the time taken does not reveal which step matched.
 * Returns every matching step, lowest first (collisions across a wide window are possible).
 */
export function matchingSteps(options: OathParameters & { code: string; steps: number[] }): number[] {
  const submitted = Buffer.from(options.code, "utf8");
  const matches: number[] = [];
  for (const step of options.steps) {
    const expected = Buffer.from(codeForStep({ ...options, step }), "utf8");
    if (expected.length === submitted.length && crypto.timingSafeEqual(expected, submitted)) matches.push(step);
  }
  return matches;
}

function bufferOf(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
