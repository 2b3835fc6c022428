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
  const counter = stepCounter(options.step);
  return counter ? codeForCounter(options.secret, hmacName(options.algorithm), options.digits, counter) : "";
}

/**
 * A step's RFC 4226 counter: 8 bytes, big-endian. Null before the token's T0, where no code
 * exists (nothing matches it). Many tokens share their steps: a caller checking a large inventory
 * builds these once per step, not once per token.
 */
export function stepCounter(step: number): Buffer | null {
  if (step < 0) return null;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  return counter;
}

/**
 * HOTP over a prepared step counter, with Node's native HMAC. Positional arguments: this runs
 * hundreds of thousands of times per find-by-code search, where an options object per call showed.
 */
function codeForCounter(secret: Buffer, hmac: string, digits: number, counter: Buffer): string {
  const mac = crypto.createHmac(hmac, secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(binary).padStart(digits, "0");
}

const HMAC_NAMES: Record<OathAlgorithm, string> = { SHA1: "sha1", SHA256: "sha256", SHA512: "sha512" };
function hmacName(algorithm: OathAlgorithm): string {
  return HMAC_NAMES[algorithm] ?? algorithm.toLowerCase();
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
  const counters = options.steps.map(stepCounter);
  const matched = matchingCounters({ ...options, counters });
  return options.steps.filter((_, i) => matched[i]);
}

/**
 * The same check over prepared counters (stepCounter): for each counter, whether its code equals
 * `code`. Every counter's code is computed and compared in constant time, with no early exit.
 */
export function matchingCounters(options: { secret: Buffer; algorithm: OathAlgorithm; digits: number; code: string; counters: (Buffer | null)[] }): boolean[] {
  const { secret, digits, counters } = options;
  const hmac = hmacName(options.algorithm);
  const submitted = Buffer.from(options.code, "utf8");
  const matched: boolean[] = [];
  for (const counter of counters) {
    // No step (before T0): no code, so no match — not even an empty input.
    const expected = counter ? Buffer.from(codeForCounter(secret, hmac, digits, counter), "utf8") : null;
    matched.push(expected !== null && expected.length === submitted.length && crypto.timingSafeEqual(expected, submitted));
  }
  return matched;
}

function bufferOf(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
