import { describe, expect, it } from "vitest";
import { EMAIL_CODE_DIGITS, emailCodeMessage, generateEmailCode, hashEmailCode, maskEmailAddress } from "../../../lib/methods/email-one-time-code";

describe("email one-time code pieces", () => {
  it("makes 8-digit string codes, leading zeros kept, from the whole range", () => {
    const codes = Array.from({ length: 2000 }, generateEmailCode);
    for (const code of codes) expect(code).toMatch(/^\d{8}$/);
    expect(EMAIL_CODE_DIGITS).toBe(8);
    // Uniform over 10^8: the first digit takes every value in 2,000 draws (a chance of failing ≈ 10 × 0.9^2000).
    expect(new Set(codes.map((code) => code[0])).size).toBe(10);
    expect(new Set(codes).size).toBeGreaterThan(1990);
  });

  it("hashes a code bound to user and purpose, never containing it", () => {
    const code = "01234567";
    const hash = hashEmailCode({ userId: "u1", purpose: "signIn", code });
    expect(hash).not.toContain(code);
    expect(hashEmailCode({ userId: "u1", purpose: "signIn", code })).toBe(hash);
    expect(hashEmailCode({ userId: "u2", purpose: "signIn", code })).not.toBe(hash);
    expect(hashEmailCode({ userId: "u1", purpose: "passwordReset", code })).not.toBe(hash);
    expect(hashEmailCode({ userId: "u1", purpose: "signIn", code: "01234568" })).not.toBe(hash);
  });

  it("masks an address to its first letter and domain", () => {
    expect(maskEmailAddress("alice@contoso.example")).toBe("a•••@contoso.example");
    expect(maskEmailAddress("x@y.example")).toBe("x•••@y.example");
    expect(maskEmailAddress("not-an-address")).toBe("•••");
  });

  it("writes a mail per purpose with the code, its lifetime and what to do if it wasn't you", () => {
    for (const purpose of ["confirmEmail", "signIn", "passwordReset"] as const) {
      const mail = emailCodeMessage({ purpose, code: "00123456", address: "a@b.example" });
      expect(mail.to).toBe("a@b.example");
      expect(mail.body).toContain("Your verification code is 00123456.");
      expect(mail.body).toContain("10 minutes");
      expect(mail.body).toMatch(/If you (didn't|aren't)/);
    }
  });
});
