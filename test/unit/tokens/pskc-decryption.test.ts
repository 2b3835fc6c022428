// The decryption itself, against RFC 6030's own examples: figure 6 (pre-shared AES-128 key) and
// figure 7 (PBKDF2 from "qwerty") both hide the ASCII secret "12345678901234567890".
import { describe, expect, it } from "vitest";
import { decodeBase64Strict, decryptCipherValue, derivePbkdf2Key, ENCRYPTION_ALGORITHMS, valueMacMatches } from "../../../lib/tokens/pskc/pskc-crypto";
import { openEncryptedValue, unlockPskc } from "../../../lib/tokens/pskc/pskc-keys";
import { path, parseXml } from "../../../lib/tokens/pskc/xml";
import { fixture, pskcKeys } from "./helpers";

function open(name: string) {
  const container = parseXml(fixture(`pskc/${name}`).toString("utf8"));
  const keys = unlockPskc({ container, ...pskcKeys[name] });
  const secret = path(container, "KeyPackage", "Key", "Data", "Secret");
  if (!secret) throw new Error("no Secret");
  return { keys, secret: openEncryptedValue(secret, keys, "KeyPackage 1") };
}

describe("PSKC decryption (RFC 6030 examples)", () => {
  it("figure 6: pre-shared key → MAC key 1122…9900 → secret 12345678901234567890", () => {
    const { keys, secret } = open("rfc6030-figure6.xml");
    expect(keys.encryptionKey.toString("hex")).toBe("12345678901234567890123456789012");
    expect(keys.mac?.key.toString("hex")).toBe("1122334455667788990011223344556677889900");
    expect(keys.mac?.digest).toBe("sha1");
    expect(secret.toString("ascii")).toBe("12345678901234567890");
  });

  it("figure 7: PBKDF2(qwerty) → key 651e63cd… → secret 12345678901234567890", () => {
    const { keys, secret } = open("rfc6030-figure7.xml");
    expect(keys.encryptionKey.toString("hex")).toBe("651e63cd57008476af1ff6422cd02e41");
    expect(secret.toString("ascii")).toBe("12345678901234567890");
  });

  it("derives the figure 7 key from its PBKDF2 parameters directly", () => {
    const salt = decodeBase64Strict("Ej7/PEpyEpw=") as Buffer;
    expect(derivePbkdf2Key({ passphrase: "qwerty", salt, iterations: 1000, keyLength: 16 }).toString("hex")).toBe(
      "651e63cd57008476af1ff6422cd02e41",
    );
  });

  it("checks the figure 6 ValueMAC over IV || ciphertext, and rejects a flipped bit", () => {
    const macKey = Buffer.from("1122334455667788990011223344556677889900", "hex");
    const cipherValue = decodeBase64Strict("AAECAwQFBgcICQoLDA0OD+cIHItlB3Wra1DUpxVvOx2lef1VmNPCMl8jwZqIUqGv") as Buffer;
    const mac = decodeBase64Strict("Su+NvtQfmvfJzF6bmQiJqoLRExc=") as Buffer;
    expect(valueMacMatches({ digest: "sha1", macKey, cipherValue, mac })).toBe(true);
    const flipped = Buffer.from(cipherValue);
    flipped[31] = (flipped[31] as number) ^ 0x80;
    expect(valueMacMatches({ digest: "sha1", macKey, cipherValue: flipped, mac })).toBe(false);
    expect(valueMacMatches({ digest: "sha1", macKey, cipherValue, mac: mac.subarray(0, 10) })).toBe(false);
  });

  it("decryptCipherValue refuses what can't be a ciphertext under the key instead of returning garbage", () => {
    const key = Buffer.from("12345678901234567890123456789012", "hex");
    const aes128 = ENCRYPTION_ALGORITHMS["http://www.w3.org/2001/04/xmlenc#aes128-cbc"]!;
    expect(decryptCipherValue({ algorithm: aes128, key, cipherValue: Buffer.alloc(16) })).toBeNull();
    expect(decryptCipherValue({ algorithm: aes128, key, cipherValue: Buffer.alloc(40) })).toBeNull();
    expect(decryptCipherValue({ algorithm: aes128, key: Buffer.alloc(32), cipherValue: Buffer.alloc(32) })).toBeNull();
    const tripleDes = ENCRYPTION_ALGORITHMS["http://www.w3.org/2001/04/xmlenc#tripledes-cbc"]!;
    expect(decryptCipherValue({ algorithm: tripleDes, key, cipherValue: Buffer.alloc(32) })).toBeNull();
    const keyWrap = ENCRYPTION_ALGORITHMS["http://www.w3.org/2001/04/xmlenc#kw-aes128"]!;
    expect(decryptCipherValue({ algorithm: keyWrap, key, cipherValue: Buffer.alloc(24) })).toBeNull();
  });

  it("unwraps the RFC 3394 §4.1 AES key wrap test vector", () => {
    const keyWrap = ENCRYPTION_ALGORITHMS["http://www.w3.org/2001/04/xmlenc#kw-aes128"]!;
    const plain = decryptCipherValue({
      algorithm: keyWrap,
      key: Buffer.from("000102030405060708090A0B0C0D0E0F", "hex"),
      cipherValue: Buffer.from("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5", "hex"),
    });
    expect(plain?.toString("hex")).toBe("00112233445566778899aabbccddeeff");
  });

  it("decodes Base64 strictly", () => {
    expect(decodeBase64Strict(" MTIz\nNA== ")?.toString()).toBe("1234");
    expect(decodeBase64Strict("MTIzNA=")).toBeNull();
    expect(decodeBase64Strict("MT!zNA==")).toBeNull();
  });
});
