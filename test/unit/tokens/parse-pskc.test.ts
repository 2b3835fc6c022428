import { describe, expect, it } from "vitest";
import { parsePskc, PSKC_ORIGINAL_COLUMNS, type ParsePskcOptions } from "../../../lib/tokens/pskc/parse-pskc";
import { KEY_REQUIRED, MAC_MISMATCH } from "../../../lib/tokens/pskc/pskc-keys";
import { TokenFileError } from "../../../lib/tokens/token-file-row";
import { HOTP_NOT_SUPPORTED } from "../../../lib/tokens/validate-seed-row";
import { caught, failuresOf, fixture, fixtureTokens, onlyFailure, onlyRow, pskcKeys, rowsOf } from "./helpers";

const PSKC_NS = "urn:ietf:params:xml:ns:keyprov:pskc";
const EXPIRED_HINT = 'If the token still works, upload again with "Import expired keys" (tokens:import --accept-expired).';
const plainXml = fixture("pskc/totp-plain.xml").toString("utf8");
const pskXml = fixture("pskc/totp-psk-aes128.xml").toString("utf8");
const { preSharedKeyHex } = pskcKeys["totp-psk-aes128.xml"] as { preSharedKeyHex: string };
const { passphrase } = pskcKeys["totp-pbkdf2.xml"] as { passphrase: string };

/** A one-key container; `key` replaces the defaults of a TOTP Key element. */
function container(options: { algorithm?: string; parameters?: string; data?: string; policy?: string; device?: string } = {}): string {
  const secret = Buffer.from(fixtureTokens[0]?.secretHex ?? "", "hex").toString("base64");
  return `<?xml version="1.0" encoding="UTF-8"?>
<KeyContainer Version="1.0" xmlns="${PSKC_NS}">
  <KeyPackage>
    <DeviceInfo>${options.device ?? "<Manufacturer>Feitian</Manufacturer><SerialNo>FT10000001</SerialNo><Model>c200</Model>"}</DeviceInfo>
    <Key Id="k1" Algorithm="${options.algorithm ?? `${PSKC_NS}:totp`}">
      <AlgorithmParameters>${options.parameters ?? '<Suite>HMAC-SHA1</Suite><ResponseFormat Length="6" Encoding="DECIMAL"/>'}</AlgorithmParameters>
      <Data>${options.data ?? `<Secret><PlainValue>${secret}</PlainValue></Secret><TimeInterval><PlainValue>30</PlainValue></TimeInterval>`}</Data>
      ${options.policy ?? ""}
    </Key>
  </KeyPackage>
</KeyContainer>`;
}

function parse(xml: string | Buffer, options: Omit<ParsePskcOptions, "xml"> = {}) {
  return parsePskc({ xml, now: new Date("2025-06-01T00:00:00Z"), ...options }).rows;
}

async function refusal(xml: string | Buffer, options: Omit<ParsePskcOptions, "xml"> = {}) {
  const error = await caught(() => parse(xml, options));
  expect(error).toBeInstanceOf(TokenFileError);
  return error;
}

function expectFixtureTokens(rows: ReturnType<typeof parse>): void {
  expect(failuresOf(rows)).toEqual([]);
  expect(
    rowsOf(rows).map((row) => ({
      line: row.line,
      serial: row.serialNumber,
      secretHex: row.secret.toString("hex"),
      period: row.period,
      digits: row.digits,
      hash: row.algorithm,
      manufacturer: row.manufacturer,
      model: row.model,
      t0: row.t0,
      upn: row.upn,
    })),
  ).toEqual(
    fixtureTokens.map((token, at) => ({
      line: at + 1,
      serial: token.serial,
      secretHex: token.secretHex,
      period: token.period,
      digits: token.digits,
      hash: token.hash,
      manufacturer: token.manufacturer,
      model: token.model,
      t0: 0,
      upn: null,
    })),
  );
}

describe("parsePskc: the fixtures", () => {
  it("reads totp-plain.xml (string or Buffer, with or without a BOM)", () => {
    expectFixtureTokens(parse(plainXml));
    expectFixtureTokens(parse(Buffer.from(plainXml)));
    expectFixtureTokens(parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(plainXml)])));
  });

  it("keeps the KeyPackage's identity in original, for the failures CSV", () => {
    expect(rowsOf(parse(plainXml))[2]?.original).toEqual({
      "key package": "3",
      "serial number": "TK20000003",
      manufacturer: "Token2",
      model: "C302",
      "key id": "TK20000003",
      algorithm: `${PSKC_NS}:totp`,
    });
    expect(Object.keys(rowsOf(parse(plainXml))[0]?.original ?? {})).toEqual(PSKC_ORIGINAL_COLUMNS);
  });

  it("decrypts totp-psk-aes128.xml with the pre-shared key from keys.json", () => {
    expectFixtureTokens(parse(pskXml, { preSharedKeyHex }));
    expectFixtureTokens(parse(pskXml, { preSharedKeyHex: ` ${preSharedKeyHex.toUpperCase().replace(/(..)(?!$)/g, "$1:")} ` }));
  });

  it("decrypts totp-pbkdf2.xml with the passphrase from keys.json", () => {
    expectFixtureTokens(parse(fixture("pskc/totp-pbkdf2.xml"), { passphrase }));
  });

  it("refuses the whole of totp-psk-aes128-bad-mac.xml, though only one ValueMAC was altered", async () => {
    const error = await refusal(fixture("pskc/totp-psk-aes128-bad-mac.xml"), pskcKeys["totp-psk-aes128-bad-mac.xml"]);
    expect(error.code).toBe("mac-mismatch");
    expect(error.message).toBe("The key or passphrase is wrong, or the file was altered: the MAC does not match.");
    expect(MAC_MISMATCH).toBe(error.message);
  });

  it("refuses RFC 6030 figure 2 as HOTP, with its 4-byte secret and missing serial", () => {
    const failure = onlyFailure(parse(fixture("pskc/rfc6030-figure2.xml")));
    expect(failure).toEqual({
      line: 1,
      serialNumber: "",
      reason: `${HOTP_NOT_SUPPORTED} The serial number is missing. The secret key is shorter than 128 bits (16 bytes): it has 4 bytes.`,
      original: { "key package": "1", "serial number": "", manufacturer: "", model: "", "key id": "12345678", algorithm: `${PSKC_NS}:hotp` },
    });
  });

  it("refuses RFC 6030 figure 3 as HOTP", () => {
    expect(onlyFailure(parse(fixture("pskc/rfc6030-figure3.xml")))).toMatchObject({ line: 1, serialNumber: "987654321", reason: HOTP_NOT_SUPPORTED });
  });

  it("refuses RFC 6030 figure 6 as HOTP only after its MAC checks out with the right key", async () => {
    const figure6 = fixture("pskc/rfc6030-figure6.xml");
    expect(onlyFailure(parse(figure6, pskcKeys["rfc6030-figure6.xml"]))).toMatchObject({ serialNumber: "987654321", reason: HOTP_NOT_SUPPORTED });
    expect((await refusal(figure6, { preSharedKeyHex: "12345678901234567890123456789013" })).code).toBe("mac-mismatch");
    expect((await refusal(figure6)).code).toBe("key-required");
  });

  it("refuses RFC 6030 figure 7 as HOTP only after PBKDF2 and the MAC check succeed", async () => {
    const figure7 = fixture("pskc/rfc6030-figure7.xml");
    expect(onlyFailure(parse(figure7, pskcKeys["rfc6030-figure7.xml"]))).toMatchObject({ serialNumber: "987654321", reason: HOTP_NOT_SUPPORTED });
    expect((await refusal(figure7, { passphrase: "qwertz" })).code).toBe("mac-mismatch");
  });
});

describe("parsePskc: keys and MACs (S2)", () => {
  it("asks for the key when an encrypted file comes without one", async () => {
    const error = await refusal(pskXml);
    expect(error.code).toBe("key-required");
    expect(error.message).toBe("This file's secrets are encrypted: type the pre-shared key (hex) or the passphrase.");
    expect(KEY_REQUIRED).toBe(error.message);
  });

  it("says which kind of key the file needs when the other kind is given", async () => {
    expect((await refusal(pskXml, { passphrase })).message).toBe(
      "This file's secrets are encrypted with a pre-shared key, not a passphrase: type the key in hex.",
    );
    expect((await refusal(fixture("pskc/totp-pbkdf2.xml"), { preSharedKeyHex })).message).toBe(
      "This file's secrets are protected by a passphrase (PBKDF2), not a pre-shared key: type the passphrase.",
    );
  });

  it("refuses a wrong pre-shared key or passphrase as a MAC mismatch", async () => {
    expect((await refusal(pskXml, { preSharedKeyHex: "000102030405060708090a0b0c0d0e0e" })).message).toBe(MAC_MISMATCH);
    expect((await refusal(fixture("pskc/totp-pbkdf2.xml"), { passphrase: "wrong horse battery staple" })).message).toBe(MAC_MISMATCH);
  });

  it("refuses a pre-shared key that is not 128/192/256 bits of hex", async () => {
    for (const [key, length] of [["0001020304", 10], [`${preSharedKeyHex}00`, 34]] as const) {
      const error = await refusal(pskXml, { preSharedKeyHex: key });
      expect([error.code, error.message]).toEqual([
        "bad-key",
        `The pre-shared key must be 32, 48 or 64 hexadecimal characters (a 128-, 192- or 256-bit key); the key typed has ${length}.`,
      ]);
    }
    const notHex = await refusal(pskXml, { preSharedKeyHex: "not hex at all" });
    expect([notHex.code, notHex.message]).toEqual(["bad-key", "The pre-shared key must be hexadecimal (0–9, a–f); the key typed contains other characters."]);
    const error = await refusal(pskXml, { preSharedKeyHex: preSharedKeyHex.repeat(2) });
    expect([error.code, error.message]).toEqual([
      "bad-key",
      "The file uses AES-128-CBC, which needs a 128-bit key (32 hexadecimal characters); the pre-shared key typed is 256 bits (64 characters). Type the 32-character key the vendor gave for this file.",
    ]);
  });

  it("refuses the file when one bit of a ciphertext is flipped", async () => {
    const value = "aDniB7e7d5wpJzIHYQVfwoNHAGmP9xPmXAFEnDKLK+FNk88A7ZsML8XRdoVZl9Z6";
    const bytes = Buffer.from(value, "base64");
    bytes[20] = (bytes[20] as number) ^ 0x01;
    const tampered = pskXml.replace(value, bytes.toString("base64"));
    expect(tampered).not.toBe(pskXml);
    expect((await refusal(tampered, { preSharedKeyHex })).message).toBe(MAC_MISMATCH);
  });

  it("refuses encrypted secrets that carry no ValueMAC or no MACMethod", async () => {
    const noValueMac = pskXml.replace("<ValueMAC>bWxoJSG6i2+v2YrwWo/lt9cuFZc=</ValueMAC>", "");
    const error = await refusal(noValueMac, { preSharedKeyHex });
    expect([error.code, error.message]).toEqual([
      "mac-mismatch",
      "The encrypted Secret in KeyPackage 4 has no ValueMAC, so it can't be trusted; ask the vendor for a file with a ValueMAC on every encrypted value.",
    ]);

    const noMacMethod = pskXml.replace(/<MACMethod[\s\S]*<\/MACMethod>/, "");
    const missing = await refusal(noMacMethod, { preSharedKeyHex });
    expect(missing.code).toBe("unsupported-encryption");
    expect(missing.message).toContain("carry no MAC (MACMethod)");
  });

  it("refuses encryption algorithms it does not support", async () => {
    const gcm = pskXml.replace(/http:\/\/www.w3.org\/2001\/04\/xmlenc#aes128-cbc/g, "http://www.w3.org/2009/xmlenc11#aes128-gcm");
    const error = await refusal(gcm, { preSharedKeyHex });
    expect(error.code).toBe("unsupported-encryption");
    expect(error.message).toContain('The MAC key (MACKey) is encrypted with "http://www.w3.org/2009/xmlenc11#aes128-gcm", which the portal can\'t decrypt');
    const camelliaWrap = pskXml.replace(/http:\/\/www.w3.org\/2001\/04\/xmlenc#aes128-cbc/g, "http://www.w3.org/2001/04/xmldsig-more#kw-camellia128");
    expect((await refusal(camelliaWrap, { preSharedKeyHex })).message).toContain("(Camellia key wrap is not available on this server)");
  });
});

describe("parsePskc: whole-file refusals", () => {
  it("refuses any DOCTYPE (S1), including entity attacks", async () => {
    const withDoctype = plainXml.replace("<KeyContainer", '<!DOCTYPE KeyContainer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<KeyContainer').replace("<Issuer>Contoso</Issuer>", "<Issuer>&xxe;</Issuer>");
    const error = await refusal(withDoctype);
    expect(error.code).toBe("doctype");
    expect(error.message).toContain("contains a DOCTYPE or ENTITY declaration and is refused");
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><KeyContainer Version="1.0" xmlns="${PSKC_NS}">&lol2;</KeyContainer>`;
    expect((await refusal(laughs)).code).toBe("doctype");
  });

  it("refuses an undeclared entity even without a DOCTYPE", async () => {
    const error = await refusal(plainXml.replace("<Issuer>Contoso</Issuer>", "<Issuer>&xxe;</Issuer>"));
    expect(error.code).toBe("not-xml");
    expect(error.message).toContain("the entity &xxe; is not allowed");
  });

  it("refuses a truncated file", async () => {
    const error = await refusal(plainXml.slice(0, Math.floor(plainXml.length / 2)));
    expect(error.code).toBe("not-xml");
    expect(error.message).toMatch(/^The file is incomplete XML; it looks truncated \(line \d+: /);
  });

  it("refuses something that is not XML", async () => {
    const error = await refusal("upn,serial number,secret key\n");
    expect(error.code).toBe("not-xml");
    expect(error.message).toContain("text outside the root element");
  });

  it("refuses XML that is not a PSKC KeyContainer", async () => {
    const error = await refusal(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>`);
    expect(error.code).toBe("not-pskc");
    expect(error.message).toContain("its root element is <html>");
    expect((await refusal(`<KeyContainer Version="1.0"/>`)).code).toBe("not-pskc");
  });

  it("refuses PSKC versions other than 1.0", async () => {
    const error = await refusal(plainXml.replace('Version="1.0"', 'Version="2.0"'));
    expect([error.code, error.message]).toEqual(["unsupported-version", 'The PSKC Version is "2.0"; only version 1.0 (RFC 6030) is supported.']);
    expect((await refusal(plainXml.replace('Version="1.0" ', ""))).message).toContain("The PSKC Version is missing");
  });

  it("refuses a container without keys and one with more keys than allowed", async () => {
    expect((await refusal(`<KeyContainer Version="1.0" xmlns="${PSKC_NS}"/>`)).code).toBe("empty");
    const tooMany = await refusal(plainXml, { maxRows: 3 });
    expect([tooMany.code, tooMany.message]).toEqual(["too-many-rows", "The file has 4 keys; one upload may hold at most 3. Split it into smaller files."]);
    expect(rowsOf(parse(plainXml, { maxRows: 4 }))).toHaveLength(4);
  });

  it("refuses UTF-16 and invalid UTF-8 files", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(plainXml, "utf16le")]);
    expect((await refusal(utf16)).message).toContain("save it as UTF-8");
    expect((await refusal(Buffer.from(plainXml.replace("Contoso", "Soci\u00e9t\u00e9"), "latin1"))).code).toBe("encoding");
  });
});

describe("parsePskc: per-key rules", () => {
  it("reads Suite, ResponseFormat Length, TimeInterval and Time (T0)", () => {
    const row = onlyRow(
      parse(
        container({
          parameters: '<Suite>HMAC-SHA512</Suite><ResponseFormat Length="8" Encoding="DECIMAL"/>',
          data: `<Secret><PlainValue>${Buffer.alloc(64, 7).toString("base64")}</PlainValue></Secret><Time><PlainValue>1000</PlainValue></Time><TimeInterval><PlainValue>60</PlainValue></TimeInterval>`,
        }),
      ),
    );
    expect([row.algorithm, row.digits, row.period, row.t0, row.secret.length]).toEqual(["SHA512", 8, 60, 1000, 64]);
  });

  it("defaults to SHA-1, 6 digits, 30 seconds and T0 = 0", () => {
    const secret = Buffer.alloc(20, 1).toString("base64");
    const row = onlyRow(parse(container({ parameters: "", data: `<Secret><PlainValue>${secret}</PlainValue></Secret>` })));
    expect([row.algorithm, row.digits, row.period, row.t0]).toEqual(["SHA1", 6, 30, 0]);
  });

  it("accepts the #totp form of the TOTP algorithm URI", () => {
    expect(onlyRow(parse(container({ algorithm: `${PSKC_NS}#totp` }))).serialNumber).toBe("FT10000001");
  });

  it("refuses HOTP and unknown algorithms", () => {
    expect(onlyFailure(parse(container({ algorithm: `${PSKC_NS}:hotp` }))).reason).toBe(HOTP_NOT_SUPPORTED);
    expect(onlyFailure(parse(container({ algorithm: "urn:ietf:params:xml:ns:keyprov:pskc#OCRA-1:HOTP-SHA512-8:C-QN08" }))).reason).toBe(
      `Unknown algorithm "urn:ietf:params:xml:ns:keyprov:pskc#OCRA-1:HOTP-SHA512-8:C-QN08"; only TOTP keys (${PSKC_NS}:totp) can be imported.`,
    );
  });

  it("refuses secrets under 128 bits", () => {
    const data = `<Secret><PlainValue>${Buffer.from("1234567890").toString("base64")}</PlainValue></Secret>`;
    expect(onlyFailure(parse(container({ data }))).reason).toBe("The secret key is shorter than 128 bits (16 bytes): it has 10 bytes.");
  });

  it("refuses a missing or damaged secret", () => {
    expect(onlyFailure(parse(container({ data: "" }))).reason).toBe("The secret key is missing.");
    expect(onlyFailure(parse(container({ data: "<Secret><PlainValue>not*base64!</PlainValue></Secret>" }))).reason).toBe(
      "The secret (PlainValue) is not valid Base64; the file is damaged: ask the vendor for a new export.",
    );
  });

  it("refuses unsupported time intervals, digits, suites and code encodings", () => {
    const secret = `<Secret><PlainValue>${Buffer.alloc(20, 1).toString("base64")}</PlainValue></Secret>`;
    expect(onlyFailure(parse(container({ data: `${secret}<TimeInterval><PlainValue>45</PlainValue></TimeInterval>` }))).reason).toBe(
      'The time interval must be 30 or 60 seconds, not "45".',
    );
    expect(onlyFailure(parse(container({ parameters: '<ResponseFormat Length="7" Encoding="DECIMAL"/>' }))).reason).toBe(
      'The number of digits must be 6 or 8, not "7".',
    );
    expect(onlyFailure(parse(container({ parameters: "<Suite>HMAC-MD5</Suite>" }))).reason).toBe(
      'The hash must be SHA1, SHA256 or SHA512, not "HMAC-MD5".',
    );
    expect(onlyFailure(parse(container({ parameters: '<ResponseFormat Length="6" Encoding="ALPHANUMERIC"/>' }))).reason).toBe(
      "The codes are ALPHANUMERIC; only DECIMAL codes are supported.",
    );
  });

  it("refuses expired keys and keys not valid yet (Policy dates)", () => {
    expect(onlyFailure(parse(container({ policy: "<Policy><ExpiryDate>2024-12-31T00:00:00Z</ExpiryDate></Policy>" }))).reason).toBe(
      `The key expired on 2024-12-31 (Policy ExpiryDate). ${EXPIRED_HINT}`,
    );
    expect(onlyFailure(parse(container({ policy: "<Policy><StartDate>2030-01-01T12:30:00Z</StartDate></Policy>" }))).reason).toBe(
      "The key is not valid until 2030-01-01T12:30:00Z (Policy StartDate).",
    );
    expect(onlyFailure(parse(container({ policy: "<Policy><ExpiryDate>next year</ExpiryDate></Policy>" }))).reason).toBe(
      'The Policy ExpiryDate "next year" is not a valid date and time.',
    );
    const current = container({ policy: "<Policy><StartDate>2020-01-01T00:00:00Z</StartDate><ExpiryDate>2030-01-01T00:00:00</ExpiryDate></Policy>" });
    expect(onlyRow(parse(current)).serialNumber).toBe("FT10000001");
    expect(onlyFailure(parse(current, { now: new Date("2030-01-01T00:00:00Z") })).reason).toBe(`The key expired on 2030-01-01 (Policy ExpiryDate). ${EXPIRED_HINT}`);
  });

  it("imports expired keys when the admin accepts them, and nothing else that is wrong", () => {
    const expired = container({ policy: "<Policy><ExpiryDate>2024-12-31T00:00:00Z</ExpiryDate></Policy>" });
    expect(onlyRow(parse(expired, { acceptExpired: true })).serialNumber).toBe("FT10000001");
    const notYet = container({ policy: "<Policy><StartDate>2030-01-01T12:30:00Z</StartDate></Policy>" });
    expect(onlyFailure(parse(notYet, { acceptExpired: true })).reason).toContain("not valid until 2030-01-01T12:30:00Z");
    const badDate = container({ policy: "<Policy><ExpiryDate>next year</ExpiryDate></Policy>" });
    expect(onlyFailure(parse(badDate, { acceptExpired: true })).reason).toBe('The Policy ExpiryDate "next year" is not a valid date and time.');
  });

  it("refuses a KeyPackage without a serial number or without a Key", () => {
    expect(onlyFailure(parse(container({ device: "<Manufacturer>Feitian</Manufacturer>" }))).reason).toBe("The serial number is missing.");
    const noKey = `<KeyContainer Version="1.0" xmlns="${PSKC_NS}"><KeyPackage><DeviceInfo><SerialNo>X1</SerialNo></DeviceInfo></KeyPackage></KeyContainer>`;
    expect(onlyFailure(parse(noKey))).toMatchObject({ line: 1, serialNumber: "X1", reason: "The KeyPackage has no Key." });
  });

  it("numbers rows by KeyPackage and keeps going past a failed key", () => {
    const mixed = plainXml.replace(`Id="FT10000002" Algorithm="${PSKC_NS}:totp"`, `Id="FT10000002" Algorithm="${PSKC_NS}:hotp"`);
    const rows = parse(mixed);
    expect(rows.map((row) => (row.ok ? [row.row.line, row.row.serialNumber] : [row.failure.line, row.failure.serialNumber, row.failure.reason]))).toEqual([
      [1, "FT10000001"],
      [2, "FT10000002", HOTP_NOT_SUPPORTED],
      [3, "TK20000003"],
      [4, "TK20000004"],
    ]);
  });
});
