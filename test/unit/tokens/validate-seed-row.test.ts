import { describe, expect, it } from "vitest";
import { checkBase32Secret, looksHexadecimal, parseHash, validateSeedRow } from "../../../lib/tokens/validate-seed-row";
import { tokenBySerial } from "./helpers";

describe("validateSeedRow rules shared by CSV and PSKC", () => {
  it.each([
    ["21f8281bceb19fac4d4fd2f50cb95e0f720dfa7e", true], // a real hex seed
    ["ABCDEF2345ABCDEF2345ABCDEF2345AB", true], // long, even, hex digits only: hex even though Base32 could read it
    ["JBSWY3DPEHPK3PXP", false],
    ["EH4CQG6OWGP2YTKP2L2QZOK6B5ZA36T6", false],
    ["ABCDEF23", false], // short hex-ish text without 0/1/8/9 is treated as Base32
    ["ABC1", true], // a 1 can't be Base32
  ])("looksHexadecimal(%j) is %s", (text, expected) => {
    expect(looksHexadecimal(text)).toBe(expected);
  });

  it.each([
    ["", "SHA1"],
    ["sha1", "SHA1"],
    ["SHA-1", "SHA1"],
    ["HMAC-SHA256", "SHA256"],
    ["sha_512", "SHA512"],
    [" Sha256 ", "SHA256"],
  ])("parseHash(%j) is %s", (text, expected) => {
    expect(parseHash(text)).toEqual({ ok: true, value: expected });
  });

  it("decodes a Base32 secret to the fixture bytes", () => {
    const token = tokenBySerial("TK20000003");
    const result = checkBase32Secret(token.secretBase32);
    expect(result.ok && result.value.toString("hex")).toBe(token.secretHex);
  });

  it("builds a token row from valid input, trimming serial and labels", () => {
    const token = tokenBySerial("FT10000002");
    const result = validateSeedRow({
      line: 7,
      serialNumber: "  FT10000002 ",
      upn: "",
      secret: { bytes: Buffer.from(token.secretHex, "hex") },
      period: "60",
      manufacturer: " Feitian ",
      model: "c200",
      original: { serial: "FT10000002" },
    });
    expect(result).toEqual({
      ok: true,
      row: {
        line: 7,
        serialNumber: "FT10000002",
        upn: null,
        secret: Buffer.from(token.secretHex, "hex"),
        period: 60,
        digits: 6,
        algorithm: "SHA1",
        t0: 0,
        manufacturer: "Feitian",
        model: "c200",
        original: { serial: "FT10000002" },
      },
    });
  });

  it("refuses labels over 64 characters", () => {
    const result = validateSeedRow({
      line: 2,
      serialNumber: "S1",
      secret: { base32: tokenBySerial("FT10000001").secretBase32 },
      period: "30",
      manufacturer: "M".repeat(65),
      original: {},
    });
    expect(result).toEqual({ ok: false, failure: { line: 2, serialNumber: "S1", reason: "The manufacturer is longer than 64 characters.", original: {} } });
  });
});
