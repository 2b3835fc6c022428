import { afterEach, describe, expect, it } from "vitest";
import { emailCodeMessage } from "../../../lib/methods/email-one-time-code";
import { DEFAULT_OUTBOX_RETENTION_DAYS, maskedBody, outboxRetentionDays, withoutOneTimeCode } from "../../../lib/notify/outbox-retention";

afterEach(() => {
  delete process.env.OUTBOX_RETENTION_DAYS;
});

describe("outbox retention", () => {
  it("removes the code from every kind of code mail and nothing else", () => {
    for (const purpose of ["confirmEmail", "signIn", "passwordReset"] as const) {
      const { body } = emailCodeMessage({ purpose, code: "01234567", address: "a@mail.example" });
      const masked = withoutOneTimeCode(body);
      expect(masked).not.toContain("01234567");
      expect(masked).toContain("Your verification code is ••••••••.");
      expect(masked.replace("••••••••", "01234567")).toBe(body);
    }
    // A mail without a live code is shown as stored.
    expect(maskedBody({ body: "Code 12345678", codeExpiresAt: null })).toBe("Code 12345678");
    expect(maskedBody({ body: "Code 12345678", codeExpiresAt: new Date() })).toBe("Code ••••••••");
  });

  it("reads OUTBOX_RETENTION_DAYS as whole days from 1 (capped at 3650), the default when unset, and refuses anything else", () => {
    expect(outboxRetentionDays()).toBe(DEFAULT_OUTBOX_RETENTION_DAYS);
    for (const [value, days] of [["7", 7], ["1", 1], ["99999", 3650], ["", 30]] as const) {
      process.env.OUTBOX_RETENTION_DAYS = value;
      expect(outboxRetentionDays()).toBe(days);
    }
    for (const value of ["0", "-3", "2.5", "soon"]) {
      process.env.OUTBOX_RETENTION_DAYS = value;
      expect(() => outboxRetentionDays(), value).toThrow(/^OUTBOX_RETENTION_DAYS is not valid: it accepts a whole number of days of at least 1/);
    }
  });
});
