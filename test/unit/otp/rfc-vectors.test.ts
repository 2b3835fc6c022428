import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { codeAt, codeForStep, matchingCounters, matchingSteps, stepCounter, timeStepAt, type OathAlgorithm } from "../../../lib/otp/totp";

const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, "../../fixtures/rfc-vectors.json"), "utf8")) as {
  totp: { unixTime: number; algorithm: OathAlgorithm; secretAscii: string; digits: number; period: number; code: string }[];
  hotp: { secretAscii: string; digits: number; codes: string[] };
};

describe("RFC 6238 TOTP vectors (C1, C2)", () => {
  it("has all 18 vectors", () => expect(vectors.totp).toHaveLength(18));
  for (const v of vectors.totp) {
    it(`${v.algorithm} at t=${v.unixTime} gives ${v.code}`, () => {
      const code = codeAt({ secret: Buffer.from(v.secretAscii, "ascii"), algorithm: v.algorithm, digits: v.digits, period: v.period, t0: 0, now: new Date(v.unixTime * 1000) });
      expect(code).toBe(v.code);
    });
  }
  it("counts steps past 2^32 seconds (t = 20000000000) exactly", () => {
    expect(timeStepAt({ now: new Date(20_000_000_000 * 1000), period: 30, t0: 0 })).toBe(666_666_666);
  });
});

describe("RFC 4226 HOTP vectors", () => {
  vectors.hotp.codes.forEach((expected, counter) => {
    it(`counter ${counter} gives ${expected}`, () => {
      expect(codeForStep({ secret: Buffer.from(vectors.hotp.secretAscii, "ascii"), algorithm: "SHA1", digits: vectors.hotp.digits, period: 30, t0: 0, step: counter })).toBe(expected);
    });
  });
});

describe("step arithmetic", () => {
  const secret = Buffer.from("12345678901234567890", "ascii");
  it("honours T0 and a 60-second period", () => {
    expect(timeStepAt({ now: new Date(1_000_000 * 1000), period: 60, t0: 400_000 })).toBe(10_000);
  });
  it("finds the matching step among candidates and no other", () => {
    const code = codeForStep({ secret, algorithm: "SHA1", digits: 6, period: 30, t0: 0, step: 101 });
    expect(matchingSteps({ secret, algorithm: "SHA1", digits: 6, period: 30, t0: 0, code, steps: [100, 101, 102] })).toEqual([101]);
    expect(matchingSteps({ secret, algorithm: "SHA1", digits: 6, period: 30, t0: 0, code, steps: [99, 100, 102] })).toEqual([]);
  });
  it("checks prepared step counters (find by code) exactly as it checks steps", () => {
    for (const algorithm of ["SHA1", "SHA256", "SHA512"] as const) {
      for (const digits of [6, 8]) {
        const code = codeForStep({ secret, algorithm, digits, period: 30, t0: 0, step: 5_000_001 });
        const counters = [5_000_000, 5_000_001, 5_000_002].map(stepCounter);
        expect(matchingCounters({ secret, algorithm, digits, code, counters })).toEqual([false, true, false]);
        expect(matchingCounters({ secret, algorithm, digits: digits === 6 ? 8 : 6, code, counters })).toEqual([false, false, false]);
      }
    }
    // Before the token's T0 there is no step and no code: nothing matches, not even "".
    expect(stepCounter(-1)).toBeNull();
    expect(matchingCounters({ secret, algorithm: "SHA1", digits: 6, code: "", counters: [null] })).toEqual([false]);
    expect(stepCounter(2 ** 40)).toEqual(Buffer.from([0, 0, 1, 0, 0, 0, 0, 0]));
  });
  it("keeps leading zeros: codes are strings", () => {
    expect(codeForStep({ secret, algorithm: "SHA1", digits: 8, period: 30, t0: 0, step: 37037036 })).toBe("07081804");
  });
});

describe("native HOTP agrees with otpauth's", () => {
  it("for random seeds, steps, hashes and lengths", async () => {
    const { referenceCodeForStep } = await import("../../../lib/otp/totp");
    const crypto = await import("node:crypto");
    for (let i = 0; i < 300; i++) {
      const options = {
        secret: crypto.randomBytes(16 + (i % 49)),
        algorithm: (["SHA1", "SHA256", "SHA512"] as const)[i % 3],
        digits: i % 2 ? 6 : 8,
        period: 30,
        t0: 0,
        step: crypto.randomInt(0, 2 ** 40),
      };
      expect(codeForStep(options)).toBe(referenceCodeForStep(options));
    }
  });
});
