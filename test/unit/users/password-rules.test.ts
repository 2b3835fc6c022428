import { afterEach, describe, expect, it } from "vitest";
import { MAX_PASSWORD_LENGTH, minimumPasswordLength, newPasswordProblem } from "../../../lib/users/password-rules";

const upn = "alice.smith@contoso.example";

describe("new password rules (R4)", () => {
  afterEach(() => {
    delete process.env.PASSWORD_MIN_LENGTH;
  });

  it("accepts a long passphrase with no composition rules (no digits, no symbols, no capitals)", () => {
    expect(newPasswordProblem({ password: "purple tractor eats quiet maps", upn })).toBeNull();
  });

  it("defaults to a minimum of 12 and never goes below 8, whatever is configured", () => {
    expect(minimumPasswordLength()).toBe(12);
    expect(newPasswordProblem({ password: "elevenchars", upn })).toMatch(/at least 12 characters/);
    process.env.PASSWORD_MIN_LENGTH = "4";
    expect(minimumPasswordLength()).toBe(8);
    expect(newPasswordProblem({ password: "sevench", upn })).toMatch(/at least 8 characters/);
    expect(newPasswordProblem({ password: "eightch!", upn })).toBeNull();
    process.env.PASSWORD_MIN_LENGTH = "16";
    expect(newPasswordProblem({ password: "fifteen chars!!", upn })).toMatch(/at least 16/);
  });

  it("allows 64 characters and more, counted as characters, not bytes", () => {
    expect(newPasswordProblem({ password: "x".repeat(64) + " long", upn })).toBeNull();
    expect(newPasswordProblem({ password: "mot de passe é".padEnd(MAX_PASSWORD_LENGTH, "ü"), upn })).toBeNull();
    expect(newPasswordProblem({ password: "😀".repeat(12), upn })).toBeNull();
    expect(newPasswordProblem({ password: "😀".repeat(6), upn })).toMatch(/at least 12/);
    expect(newPasswordProblem({ password: "y".repeat(MAX_PASSWORD_LENGTH + 1), upn })).toMatch(/at most/);
  });

  it.each(["password1234", "Password1234", "QWERTYUIOP", "correcthorsebatterystaple", "contoso2025"])("refuses the common password %s", (password) => {
    expect(newPasswordProblem({ password, upn, minLength: 8 })).toMatch(/most common/);
  });

  it("refuses a password containing the user name, ignoring case", () => {
    expect(newPasswordProblem({ password: "My name is Alice.Smith!", upn })).toMatch(/user name/);
    expect(newPasswordProblem({ password: "alice.smith", upn, minLength: 8 })).toMatch(/user name/);
    // A very short local part would refuse too much; it isn't checked.
    expect(newPasswordProblem({ password: "al is a long passphrase", upn: "al@contoso.example" })).toBeNull();
  });
});
