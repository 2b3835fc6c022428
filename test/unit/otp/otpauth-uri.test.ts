import { describe, expect, it } from "vitest";
import { codeForStep, timeStepAt } from "../../../lib/otp/totp";
import { encodeBase32 } from "../../../lib/otp/base32";
import { newAppSecret, otpauthUri, parseOtpauthUri } from "../../../lib/otp/otpauth-uri";
import { TOTP } from "otpauth";

describe("otpauth:// key URIs (built and read by otpauth)", () => {
  it("carry the issuer, the UPN, the secret and the fixed TOTP parameters every app reads", () => {
    const uri = otpauthUri({ issuer: "Contoso", upn: "alice+phone@contoso.example", secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" });
    expect(uri.startsWith(`otpauth://totp/Contoso:${encodeURIComponent("alice+phone@contoso.example")}?`)).toBe(true);
    expect(Object.fromEntries(new URL(uri).searchParams)).toEqual({ secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", issuer: "Contoso", algorithm: "SHA1", digits: "6", period: "30" });
    expect(parseOtpauthUri(uri)).toEqual({ issuer: "Contoso", label: "alice+phone@contoso.example", secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", algorithm: "SHA1", digits: 6, period: 30 });
  });

  it("keep an issuer with spaces and an ampersand readable after the round trip (a colon would be ambiguous in any key URI)", () => {
    const uri = otpauthUri({ issuer: "Contoso & Co Security", upn: "bob@contoso.example", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" });
    expect(parseOtpauthUri(uri)).toMatchObject({ issuer: "Contoso & Co Security", label: "bob@contoso.example" });
  });

  it("refuse what is not a TOTP key URI", () => {
    expect(() => parseOtpauthUri("otpauth://hotp/Contoso:bob?secret=GEZDGNBVGY3TQOJQ&counter=1")).toThrow();
    expect(() => parseOtpauthUri("https://contoso.example/")).toThrow();
  });

  it("make 160-bit app secrets, each different, whose codes otpauth and the native engine agree on", () => {
    const secrets = Array.from({ length: 50 }, () => newAppSecret());
    expect(new Set(secrets.map((secret) => secret.toString("hex"))).size).toBe(50);
    const now = new Date();
    for (const secret of secrets) {
      expect(secret).toHaveLength(20);
      const { secret: base32 } = parseOtpauthUri(otpauthUri({ issuer: "Contoso", upn: "carol@contoso.example", secret: encodeBase32(secret) }));
      expect(base32).toBe(encodeBase32(secret));
      const fromApp = new TOTP({ secret: base32, algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp: now.getTime() });
      expect(codeForStep({ secret, algorithm: "SHA1", digits: 6, period: 30, t0: 0, step: timeStepAt({ now, period: 30, t0: 0 }) })).toBe(fromApp);
    }
  });
});
