import { describe, expect, it } from "vitest";
import {
  describeTemporaryAccessPass, generateTemporaryAccessPass, hashTemporaryAccessPass, normaliseTemporaryAccessPassInput, parseTemporaryAccessPassMethodId,
  temporaryAccessPassMatches, temporaryAccessPassMethodId, temporaryAccessPassState,
} from "../../../lib/methods/temporary-access-pass";

const at = (iso: string) => new Date(`2026-11-28T${iso}:00Z`);

describe("Temporary Access Pass (pure parts)", () => {
  it("generates passes of the asked length from letters and digits without look-alikes", () => {
    for (const length of [8, 20, 48]) expect(generateTemporaryAccessPass(length)).toMatch(new RegExp(`^[a-km-np-zA-HJ-NP-Z2-9]{${length}}$`));
    const many = new Set(Array.from({ length: 200 }, () => generateTemporaryAccessPass(8)));
    expect(many.size).toBe(200);
    // Every character of the alphabet turns up (drawn uniformly, not a biased subset).
    const seen = new Set(Array.from({ length: 100 }, () => generateTemporaryAccessPass(48)).join(""));
    expect(seen.size).toBe(56);
  });

  it("reads what a person typed: spaces dropped, case kept, 8–48 characters or nothing", () => {
    expect(normaliseTemporaryAccessPassInput(" abCD efGH ")).toBe("abCDefGH");
    expect(normaliseTemporaryAccessPassInput("abcdefg")).toBeNull();
    expect(normaliseTemporaryAccessPassInput("a".repeat(49))).toBeNull();
    expect(normaliseTemporaryAccessPassInput(12345678)).toBeNull();
  });

  it("matches only the same pass, case-sensitively, against its keyed hash", () => {
    const pass = generateTemporaryAccessPass(12);
    const passHash = hashTemporaryAccessPass(pass);
    expect(passHash).not.toContain(pass);
    expect(temporaryAccessPassMatches({ pass, passHash })).toBe(true);
    expect(temporaryAccessPassMatches({ pass: pass.toLowerCase() === pass ? pass.toUpperCase() : pass.toLowerCase(), passHash })).toBe(false);
    expect(temporaryAccessPassMatches({ pass, passHash: "short" })).toBe(false);
  });

  it("tells active, not yet valid, expired and spent apart (expired first)", () => {
    const tap = { oneTimeUse: true, startsAt: at("10:00"), expiresAt: at("11:00"), usedAt: null };
    expect(temporaryAccessPassState(tap, at("09:59"))).toBe("notYetValid");
    expect(temporaryAccessPassState(tap, at("10:00"))).toBe("active");
    expect(temporaryAccessPassState({ ...tap, usedAt: at("10:05") }, at("10:30"))).toBe("used");
    expect(temporaryAccessPassState({ ...tap, oneTimeUse: false, usedAt: at("10:05") }, at("10:30"))).toBe("active");
    expect(temporaryAccessPassState({ ...tap, usedAt: at("10:05") }, at("11:00"))).toBe("expired");
    expect(describeTemporaryAccessPass(tap)).toBe("Valid from 2026-11-28 10:00 UTC until 2026-11-28 11:00 UTC · one-time use");
  });

  it("round-trips its method id and refuses anything else", () => {
    expect(parseTemporaryAccessPassMethodId(temporaryAccessPassMethodId("abc-123"))).toBe("abc-123");
    for (const other of ["hardwareToken:abc", "temporaryAccessPass:", "temporaryAccessPass:a b", 42]) expect(parseTemporaryAccessPassMethodId(other)).toBeNull();
  });
});
