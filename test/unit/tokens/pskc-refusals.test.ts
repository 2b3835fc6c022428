// The PSKC refusal corpus: every malformed variant of a good file, and the check every refusal
// must pass — it names the value it found (so the admin sees what the file says), says what to do,
// and never lists what it refuses as supported (today's "hmac-sha1 is not supported; use
// HMAC-SHA1" could not pass).
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { parsePskc, type ParsePskcOptions } from "../../../lib/tokens/pskc/parse-pskc";
import { ENCRYPTION_ALGORITHMS, HMAC_ALGORITHMS, PBKDF2_PRFS } from "../../../lib/tokens/pskc/pskc-crypto";
import { TokenFileError } from "../../../lib/tokens/token-file-row";
import type { GeneratedFixture } from "../../support/generate-pskc-fixtures";
import { fixture } from "./helpers";

const manifest = JSON.parse(fixture("pskc/generated/manifest.json").toString("utf8")) as GeneratedFixture[];
const entry = (file: string) => manifest.find((candidate) => candidate.file === file)!;
const text = (file: string) => fixture(`pskc/generated/${file}`).toString("utf8");

const aes128 = entry("cipher-aes128-cbc.xml");
const aes128Xml = text(aes128.file);
const psk = aes128.keyMaterial.preSharedKeyHex!;
const kw = entry("cipher-kw-aes128.xml");
const kwXml = text(kw.file);
const pbkdf2 = entry("pbkdf2-hmac-sha256.xml");
const pbkdf2Xml = text(pbkdf2.file);
const NOW = new Date("2026-03-01T00:00:00Z");

/** A new encrypted TimeInterval for the aes128 fixture: encrypted and MAC'd properly, so only its content is wrong. */
function withEncryptedTimeInterval(plain: Buffer): string {
  const iv = Buffer.alloc(16, 7);
  const cipher = crypto.createCipheriv("aes-128-cbc", Buffer.from(psk, "hex"), iv);
  const value = Buffer.concat([iv, cipher.update(plain), cipher.final()]);
  const mac = crypto.createHmac(aes128.mac!.digest, Buffer.from(aes128.mac!.keyHex, "hex")).update(value).digest("base64");
  const timeInterval = aes128.encrypted.find((candidate) => candidate.child === "TimeInterval")!;
  return aes128Xml.replace(timeInterval.cipherValue, value.toString("base64")).replace(timeInterval.valueMac!, mac);
}

type Refusal = {
  name: string;
  xml: string;
  options: Omit<ParsePskcOptions, "xml">;
  /** What the file (or the admin) gave, which the message must name. */
  found: string;
  /** Refused as a whole file with this code, or the key's row refused. */
  outcome: { file: string } | "row";
  /** Values the message must not offer as supported (it refuses them). */
  notSupported?: { uri: string; table: Record<string, unknown> };
};

const MD5 = "http://www.w3.org/2001/04/xmldsig-more#hmac-md5";
const GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
const KW_CAMELLIA = "http://www.w3.org/2001/04/xmldsig-more#kw-camellia128";
const SCRYPT = "http://www.w3.org/2009/xmlenc11#scrypt";

export const REFUSALS: Refusal[] = [
  { name: "MAC algorithm HMAC-MD5", xml: aes128Xml.replace(aes128.mac!.uri, MD5), options: { preSharedKeyHex: psk }, found: MD5, outcome: { file: "unsupported-encryption" }, notSupported: { uri: MD5, table: HMAC_ALGORITHMS } },
  { name: "MACMethod without Algorithm", xml: aes128Xml.replace(`Algorithm="${aes128.mac!.uri}"`, ""), options: { preSharedKeyHex: psk }, found: "names no Algorithm", outcome: { file: "unsupported-encryption" } },
  { name: "encryption AES-GCM", xml: aes128Xml.replaceAll("http://www.w3.org/2001/04/xmlenc#aes128-cbc", GCM), options: { preSharedKeyHex: psk }, found: GCM, outcome: { file: "unsupported-encryption" }, notSupported: { uri: GCM, table: ENCRYPTION_ALGORITHMS } },
  { name: "encryption Camellia key wrap", xml: kwXml.replaceAll("http://www.w3.org/2001/04/xmlenc#kw-aes128", KW_CAMELLIA), options: kw.keyMaterial, found: KW_CAMELLIA, outcome: { file: "unsupported-encryption" }, notSupported: { uri: KW_CAMELLIA, table: ENCRYPTION_ALGORITHMS } },
  { name: "EncryptionMethod without Algorithm", xml: kwXml.replace('Algorithm="http://www.w3.org/2001/04/xmlenc#kw-aes128"', ""), options: kw.keyMaterial, found: "names no EncryptionMethod Algorithm", outcome: { file: "unsupported-encryption" } },
  { name: "AES-256 file, 128-bit key", xml: text("cipher-aes256-cbc.xml"), options: { preSharedKeyHex: psk }, found: "is 128 bits (32 characters)", outcome: { file: "bad-key" } },
  { name: "Triple-DES file, 256-bit key", xml: text("cipher-tripledes-cbc.xml"), options: { preSharedKeyHex: psk.repeat(2) }, found: "is 256 bits (64 characters)", outcome: { file: "bad-key" } },
  { name: "a key of 10 hex characters", xml: aes128Xml, options: { preSharedKeyHex: "0011223344" }, found: "has 10", outcome: { file: "bad-key" } },
  { name: "a key that is not hex", xml: aes128Xml, options: { preSharedKeyHex: "correct horse battery staple" }, found: "contains other characters", outcome: { file: "bad-key" } },
  { name: "CipherValue not Base64", xml: aes128Xml.replace(aes128.encrypted[0]!.cipherValue, "not*base64"), options: { preSharedKeyHex: psk }, found: "not Base64", outcome: { file: "not-pskc" } },
  { name: "CipherValue of 20 bytes", xml: aes128Xml.replace(aes128.encrypted[0]!.cipherValue, Buffer.alloc(20).toString("base64")), options: { preSharedKeyHex: psk }, found: "20 bytes", outcome: { file: "not-pskc" } },
  { name: "ValueMAC not Base64", xml: aes128Xml.replace(aes128.encrypted[0]!.valueMac!, "%%%"), options: { preSharedKeyHex: psk }, found: '"%%%"', outcome: { file: "mac-mismatch" } },
  { name: "CBC value without ValueMAC", xml: aes128Xml.replace(`<ValueMAC>${aes128.encrypted[0]!.valueMac}</ValueMAC>`, ""), options: { preSharedKeyHex: psk }, found: "encrypted Secret in KeyPackage 1 has no ValueMAC", outcome: { file: "mac-mismatch" } },
  { name: "CBC file without MACMethod", xml: aes128Xml.replace(/<MACMethod[\s\S]*<\/MACMethod>/, ""), options: { preSharedKeyHex: psk }, found: "carry no MAC (MACMethod)", outcome: { file: "unsupported-encryption" } },
  { name: "key wrap value with a ValueMAC but no MACMethod", xml: kwXml.replace("</EncryptedValue>", "</EncryptedValue><ValueMAC>AAAA</ValueMAC>"), options: kw.keyMaterial, found: "has a ValueMAC but the file has no MACMethod", outcome: { file: "unsupported-encryption" } },
  { name: "derivation by scrypt", xml: pbkdf2Xml.replace("http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#pbkdf2", SCRYPT), options: pbkdf2.keyMaterial, found: SCRYPT, outcome: { file: "unsupported-encryption" } },
  { name: "PBKDF2 Salt not Base64", xml: pbkdf2Xml.replace(/<Specified>[^<]*<\/Specified>/, "<Specified>salt!</Specified>"), options: pbkdf2.keyMaterial, found: '"salt!"', outcome: { file: "unsupported-encryption" } },
  { name: "PBKDF2 IterationCount not a number", xml: pbkdf2Xml.replace("<IterationCount>1000</IterationCount>", "<IterationCount>lots</IterationCount>"), options: pbkdf2.keyMaterial, found: '"lots"', outcome: { file: "unsupported-encryption" } },
  { name: "PBKDF2 with 3,000,000 iterations", xml: pbkdf2Xml.replace("<IterationCount>1000</IterationCount>", "<IterationCount>3000000</IterationCount>"), options: pbkdf2.keyMaterial, found: "3000000", outcome: { file: "unsupported-encryption" } },
  { name: "PBKDF2 KeyLength 20", xml: pbkdf2Xml.replace("<KeyLength>32</KeyLength>", "<KeyLength>20</KeyLength>"), options: pbkdf2.keyMaterial, found: '"20"', outcome: { file: "unsupported-encryption" } },
  { name: "PBKDF2 PRF HMAC-MD5", xml: pbkdf2Xml.replace("http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", MD5), options: pbkdf2.keyMaterial, found: MD5, outcome: { file: "unsupported-encryption" }, notSupported: { uri: MD5, table: PBKDF2_PRFS } },
  { name: "PBKDF2 KeyLength 16 for AES-256", xml: pbkdf2Xml.replace("<KeyLength>32</KeyLength>", "<KeyLength>16</KeyLength>"), options: pbkdf2.keyMaterial, found: "gives 128 bits", outcome: { file: "bad-key" } },
  { name: "encrypted TimeInterval of 9 bytes", xml: withEncryptedTimeInterval(Buffer.alloc(9, 1)), options: { preSharedKeyHex: psk }, found: "decrypts to 9 bytes", outcome: "row" },
  { name: "encrypted TimeInterval 45", xml: withEncryptedTimeInterval(Buffer.from([0, 0, 0, 0, 0, 0, 0, 45])), options: { preSharedKeyHex: psk }, found: '"45"', outcome: "row" },
  {
    name: "expired key",
    xml: aes128Xml.replace("</Data>", "</Data><Policy><ExpiryDate>2025-12-31T00:00:00Z</ExpiryDate></Policy>"),
    options: { preSharedKeyHex: psk },
    found: "expired on 2025-12-31",
    outcome: "row",
  },
];

/** What every refusal must do: name what was found, say what to do, and not offer the refused value as supported. */
function expectActionableRefusal(message: string, refusal: Refusal): void {
  expect(message).toContain(refusal.found);
  expect(message).toMatch(/ask the vendor|type |save |upload again|must be|the file is damaged/i);
  if (refusal.notSupported) {
    expect(refusal.notSupported.table[refusal.notSupported.uri]).toBeUndefined();
    const stem = refusal.notSupported.uri.replace(/^.*#/, "");
    // The refused name appears once (where the message quotes the file), never again in the list of what works.
    expect(message.split(stem).length - 1).toBe(1);
  }
}

describe("PSKC refusal corpus: every message names what was found and what to do", () => {
  it.each(REFUSALS.map((refusal) => [refusal.name, refusal] as const))("%s", (_name, refusal) => {
    let message: string;
    try {
      const rows = parsePskc({ xml: refusal.xml, now: NOW, ...refusal.options }).rows;
      expect(refusal.outcome).toBe("row");
      expect(rows).toHaveLength(1);
      if (rows[0]!.ok) throw new Error("the key was imported");
      message = rows[0]!.failure.reason;
    } catch (error) {
      if (!(error instanceof TokenFileError)) throw error;
      expect(refusal.outcome).toEqual({ file: error.code });
      message = error.message;
    }
    expectActionableRefusal(message, refusal);
  });

  it("the check itself fails on today's self-contradicting MAC message", () => {
    const old = `The MAC algorithm "http://www.w3.org/2001/04/xmldsig-more#hmac-sha1" is not supported; use HMAC-SHA1 or HMAC-SHA256.`;
    const refusal: Refusal = { name: "old", xml: "", options: {}, found: "http://www.w3.org/2001/04/xmldsig-more#hmac-sha1", outcome: { file: "x" }, notSupported: { uri: "http://www.w3.org/2001/04/xmldsig-more#hmac-sha1", table: HMAC_ALGORITHMS } };
    expect(() => expectActionableRefusal(old, refusal)).toThrow();
  });
});
