import { describe, expect, it } from "vitest";
import { encodeBase32, normaliseBase32 } from "../../../lib/otp/base32";

describe("Base32 normaliser", () => {
  it("decodes RFC 4648 test vectors round trip", () => {
    expect(encodeBase32(Buffer.from("foobar"))).toBe("MZXW6YTBOI");
    const seed = Buffer.from("21f8281bceb19fac4d4fd2f50cb95e0f720dfa7e", "hex");
    expect(encodeBase32(seed)).toBe("EH4CQG6OWGP2YTKP2L2QZOK6B5ZA36T6");
  });

  it("normalises case, spaces, dashes and padding", () => {
    const result = normaliseBase32(" eh4c qg6o-wgp2 ytkp 2l2q zok6 b5za 36t6== ");
    expect(result.ok && result.base32).toBe("EH4CQG6OWGP2YTKP2L2QZOK6B5ZA36T6");
    expect(result.ok && result.bytes.toString("hex")).toBe("21f8281bceb19fac4d4fd2f50cb95e0f720dfa7e");
  });

  it("refuses seeds under 128 bits with that reason", () => {
    const result = normaliseBase32("JBSWY3DPEHPK3PXP");
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/shorter than 128 bits \(16 bytes\): it decodes to 10 bytes/) });
  });

  it("hints when a secret looks hexadecimal", () => {
    const result = normaliseBase32("21f8281bceb19fac4d4fd2f50cb95e0f720dfa7e");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/looks hexadecimal.*Base32/);
  });

  it("refuses other characters and more than 128 characters", () => {
    expect(normaliseBase32("ABC!DEFGHIJKLMNOPQRSTUVWXYZ").ok).toBe(false);
    expect(normaliseBase32("A".repeat(129))).toEqual({ ok: false, reason: expect.stringMatching(/longer than 128/) });
  });
});
