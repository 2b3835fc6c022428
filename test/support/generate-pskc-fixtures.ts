// Writes test/fixtures/pskc/generated/: one PSKC file per encryption algorithm, per encrypted Data
// child, per MAC algorithm URI and per PBKDF2 PRF, each with an altered twin (a flipped ValueMAC
// for CBC, a flipped wrapped byte for key wrap), and manifest.json with the keys and what each
// file must import as. Every byte comes from fixed labels, so running it again changes nothing:
//
//   npx tsx test/support/generate-pskc-fixtures.ts
//
// The encryption here is written independently of lib/tokens/pskc: CBC through node:crypto with
// PKCS #7 padding (which xmlenc's padding allows), AES key wrap through OpenSSL's RFC 3394 cipher,
// and Triple-DES key wrap by hand from RFC 3217 §3.1 on top of des-ede3-cbc (the portal unwraps
// it with OpenSSL's CMS3DESwrap cipher, so the two implementations check each other).
// test/unit/tokens/pskc-generated-fixtures.test.ts decrypts every value once more with the
// `openssl` command line.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const XMLENC = "http://www.w3.org/2001/04/xmlenc#";
const XMLDSIG = "http://www.w3.org/2000/09/xmldsig#";
const XMLDSIG_MORE = "http://www.w3.org/2001/04/xmldsig-more#";
const PKCS5 = "http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#";
const PSKC_NS = "urn:ietf:params:xml:ns:keyprov:pskc";

export type DataChild = "Secret" | "Counter" | "Time" | "TimeInterval" | "TimeDrift";

type Cipher = { uri: string; openssl: string; keyLength: number; mode: "cbc" | "key-wrap"; ivLength: number };

/** The algorithms of RFC 6030 §6.1 the portal reads, with the `openssl enc` name that decrypts each. */
export const CIPHERS: Record<string, Cipher> = {
  "aes128-cbc": { uri: `${XMLENC}aes128-cbc`, openssl: "aes-128-cbc", keyLength: 16, mode: "cbc", ivLength: 16 },
  "aes192-cbc": { uri: `${XMLENC}aes192-cbc`, openssl: "aes-192-cbc", keyLength: 24, mode: "cbc", ivLength: 16 },
  "aes256-cbc": { uri: `${XMLENC}aes256-cbc`, openssl: "aes-256-cbc", keyLength: 32, mode: "cbc", ivLength: 16 },
  "tripledes-cbc": { uri: `${XMLENC}tripledes-cbc`, openssl: "des-ede3-cbc", keyLength: 24, mode: "cbc", ivLength: 8 },
  camellia128: { uri: `${XMLDSIG_MORE}camellia128`, openssl: "camellia-128-cbc", keyLength: 16, mode: "cbc", ivLength: 16 },
  camellia192: { uri: `${XMLDSIG_MORE}camellia192`, openssl: "camellia-192-cbc", keyLength: 24, mode: "cbc", ivLength: 16 },
  camellia256: { uri: `${XMLDSIG_MORE}camellia256`, openssl: "camellia-256-cbc", keyLength: 32, mode: "cbc", ivLength: 16 },
  "camellia128-cbc": { uri: `${XMLDSIG_MORE}camellia128-cbc`, openssl: "camellia-128-cbc", keyLength: 16, mode: "cbc", ivLength: 16 },
  "kw-aes128": { uri: `${XMLENC}kw-aes128`, openssl: "id-aes128-wrap", keyLength: 16, mode: "key-wrap", ivLength: 0 },
  "kw-aes192": { uri: `${XMLENC}kw-aes192`, openssl: "id-aes192-wrap", keyLength: 24, mode: "key-wrap", ivLength: 0 },
  "kw-aes256": { uri: `${XMLENC}kw-aes256`, openssl: "id-aes256-wrap", keyLength: 32, mode: "key-wrap", ivLength: 0 },
  "kw-tripledes": { uri: `${XMLENC}kw-tripledes`, openssl: "des3-wrap", keyLength: 24, mode: "key-wrap", ivLength: 0 },
};

export type GeneratedToken = { serial: string; secretHex: string; period: 30 | 60; digits: 6 | 8; hash: "SHA1" | "SHA256" | "SHA512"; t0: number };

export type GeneratedFixture = {
  file: string;
  /** The same file with one authenticated byte changed: must be refused as a whole. */
  altered: string;
  description: string;
  cipher: string;
  keyMaterial: { preSharedKeyHex?: string; passphrase?: string };
  /** A key of the right shape that is not the file's: must be refused as a whole. */
  wrongKeyMaterial: { preSharedKeyHex?: string; passphrase?: string };
  /** PBKDF2 files: what `openssl kdf` needs to derive the key independently. */
  pbkdf2?: { saltHex: string; iterations: number; keyLength: number; digest: string };
  mac?: { uri: string; digest: string; keyHex: string };
  token: GeneratedToken;
  /** Every encrypted value: the Data child, its plaintext, and the CipherValue/ValueMAC as written. */
  encrypted: { child: DataChild; plainHex: string; cipherValue: string; valueMac?: string }[];
};

/** Deterministic bytes for a label (SHA-256 in counter mode). */
function bytes(label: string, length: number): Buffer {
  const out: Buffer[] = [];
  for (let counter = 0; out.reduce((n, b) => n + b.length, 0) < length; counter++) {
    out.push(crypto.createHash("sha256").update(`pskc-fixture:${label}:${counter}`).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

/** RFC 3217 §3.1 Triple-DES key wrap, by hand: ICV = SHA-1(CEK)[0..8]; CBC under a random IV; reverse; CBC under 4adda22c79e82105. */
function tripleDesKeyWrap(kek: Buffer, cek: Buffer, iv: Buffer): Buffer {
  const icv = crypto.createHash("sha1").update(cek).digest().subarray(0, 8);
  const first = crypto.createCipheriv("des-ede3-cbc", kek, iv).setAutoPadding(false);
  const temp1 = Buffer.concat([first.update(Buffer.concat([cek, icv])), first.final()]);
  const temp2 = Buffer.concat([iv, temp1]);
  const temp3 = Buffer.from(temp2).reverse();
  const second = crypto.createCipheriv("des-ede3-cbc", kek, Buffer.from("4adda22c79e82105", "hex")).setAutoPadding(false);
  return Buffer.concat([second.update(temp3), second.final()]);
}

function encrypt(cipher: Cipher, key: Buffer, plain: Buffer, label: string): Buffer {
  if (cipher.mode === "cbc") {
    const iv = bytes(`${label}:iv`, cipher.ivLength);
    const encryptor = crypto.createCipheriv(cipher.openssl, key, iv);
    return Buffer.concat([iv, encryptor.update(plain), encryptor.final()]);
  }
  if (cipher.openssl === "des3-wrap") return tripleDesKeyWrap(key, plain, bytes(`${label}:iv`, 8));
  const wrapper = crypto.createCipheriv(cipher.openssl, key, Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
  return Buffer.concat([wrapper.update(plain), wrapper.final()]);
}

/** Integers are encrypted in their binary form, 8 bytes big-endian (two's complement for TimeDrift). */
function integerBytes(value: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(BigInt(value));
  return out;
}

type Spec = {
  name: string;
  description: string;
  cipher: string;
  encryptedChildren: DataChild[];
  macUri?: string;
  pbkdf2?: { prfUri?: string; digest: string };
  token: GeneratedToken;
  /** Integers encrypted as decimal text instead of binary (some producers do). */
  integersAsText?: boolean;
};

function buildFixture(spec: Spec): { xml: string; altered: string; fixture: GeneratedFixture } {
  const cipher = CIPHERS[spec.cipher];
  if (!cipher) throw new Error(`unknown cipher ${spec.cipher}`);
  const label = spec.name;
  const passphrase = spec.pbkdf2 ? `passphrase for ${spec.name}` : undefined;
  const salt = bytes(`${label}:salt`, 16);
  const iterations = 1000;
  const key = spec.pbkdf2
    ? crypto.pbkdf2Sync(passphrase as string, salt, iterations, cipher.keyLength, spec.pbkdf2.digest)
    : bytes(`${label}:psk`, cipher.keyLength);
  const wrongKeyMaterial = spec.pbkdf2 ? { passphrase: `not the ${passphrase}` } : { preSharedKeyHex: bytes(`${label}:wrong`, cipher.keyLength).toString("hex") };

  // CBC needs a MAC; key wrap files come without one, as the vendors who use key wrap send them.
  const macUri = cipher.mode === "cbc" ? (spec.macUri ?? `${XMLDSIG}hmac-sha1`) : undefined;
  const macDigest = macUri?.replace(/^.*#hmac-/, "");
  const macKey = bytes(`${label}:mac-key`, 24);
  const token = spec.token;
  const plainOf: Record<DataChild, Buffer> = {
    Secret: Buffer.from(token.secretHex, "hex"),
    Counter: spec.integersAsText ? Buffer.from("0") : integerBytes(0),
    Time: spec.integersAsText ? Buffer.from(String(token.t0)) : integerBytes(token.t0),
    TimeInterval: spec.integersAsText ? Buffer.from(String(token.period)) : integerBytes(token.period),
    TimeDrift: spec.integersAsText ? Buffer.from("-1") : integerBytes(-1),
  };
  const plainText: Record<DataChild, string> = { Secret: plainOf.Secret.toString("base64"), Counter: "0", Time: String(token.t0), TimeInterval: String(token.period), TimeDrift: "-1" };

  const encrypted: GeneratedFixture["encrypted"] = [];
  const encryptedValue = (inner: string) =>
    `<xenc:EncryptionMethod Algorithm="${cipher.uri}"/>\n            <xenc:CipherData><xenc:CipherValue>${inner}</xenc:CipherValue></xenc:CipherData>`;
  const dataChild = (child: DataChild): string => {
    if (!spec.encryptedChildren.includes(child)) return `<${child}><PlainValue>${plainText[child]}</PlainValue></${child}>`;
    const value = encrypt(cipher, key, plainOf[child], `${label}:${child}`);
    const cipherValue = value.toString("base64");
    const valueMac = macDigest ? crypto.createHmac(macDigest, macKey).update(value).digest("base64") : undefined;
    encrypted.push({ child, plainHex: plainOf[child].toString("hex"), cipherValue, valueMac });
    return `<${child}>
          <EncryptedValue>
            ${encryptedValue(cipherValue)}
          </EncryptedValue>${valueMac ? `\n          <ValueMAC>${valueMac}</ValueMAC>` : ""}
        </${child}>`;
  };

  const encryptionKey = spec.pbkdf2
    ? `<EncryptionKey>
    <xenc11:DerivedKey>
      <xenc11:KeyDerivationMethod Algorithm="${PKCS5}pbkdf2">
        <pkcs5:PBKDF2-params>
          <Salt><Specified>${salt.toString("base64")}</Specified></Salt>
          <IterationCount>${iterations}</IterationCount>
          <KeyLength>${cipher.keyLength}</KeyLength>${spec.pbkdf2.prfUri ? `\n          <PRF Algorithm="${spec.pbkdf2.prfUri}"/>` : ""}
        </pkcs5:PBKDF2-params>
      </xenc11:KeyDerivationMethod>
      <xenc11:MasterKeyName>Fixture passphrase</xenc11:MasterKeyName>
    </xenc11:DerivedKey>
  </EncryptionKey>`
    : `<EncryptionKey><ds:KeyName>Pre-shared-key</ds:KeyName></EncryptionKey>`;
  const macMethod = macUri
    ? `\n  <MACMethod Algorithm="${macUri}">
    <MACKey>
      ${encryptedValue(encrypt(cipher, key, macKey, `${label}:mac-key-encryption`).toString("base64")).replace(/\n {12}/, "\n      ")}
    </MACKey>
  </MACMethod>`
    : "";
  const children = (["Secret", "Counter", "Time", "TimeInterval", "TimeDrift"] as const).map(dataChild).join("\n        ");

  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by test/support/generate-pskc-fixtures.ts: ${spec.description}. -->
<KeyContainer Version="1.0" Id="${spec.name}" xmlns="${PSKC_NS}" xmlns:ds="${XMLDSIG}" xmlns:xenc="${XMLENC}" xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" xmlns:pkcs5="${PKCS5}">
  ${encryptionKey}${macMethod}
  <KeyPackage>
    <DeviceInfo>
      <Manufacturer>Fixture Tokens</Manufacturer>
      <SerialNo>${token.serial}</SerialNo>
      <Model>${spec.cipher}</Model>
    </DeviceInfo>
    <Key Id="${token.serial}" Algorithm="${PSKC_NS}:totp">
      <Issuer>Contoso</Issuer>
      <AlgorithmParameters>
        <Suite>HMAC-${token.hash.replace("SHA", "SHA-").replace("SHA-1", "SHA1")}</Suite>
        <ResponseFormat Length="${token.digits}" Encoding="DECIMAL"/>
      </AlgorithmParameters>
      <Data>
        ${children}
      </Data>
    </Key>
  </KeyPackage>
</KeyContainer>
`;

  // The altered twin: for CBC one ValueMAC byte, for key wrap one wrapped byte (its own check).
  const first = encrypted[0];
  if (!first) throw new Error(`${spec.name} encrypts nothing`);
  let altered: string;
  if (first.valueMac) {
    const mac = Buffer.from(first.valueMac, "base64");
    mac[0] = (mac[0] as number) ^ 0x01;
    altered = xml.replace(`<ValueMAC>${first.valueMac}</ValueMAC>`, `<ValueMAC>${mac.toString("base64")}</ValueMAC>`);
  } else {
    const value = Buffer.from(first.cipherValue, "base64");
    value[value.length - 1] = (value[value.length - 1] as number) ^ 0x01;
    altered = xml.replace(first.cipherValue, value.toString("base64"));
  }
  if (altered === xml) throw new Error(`${spec.name}: the altered twin is unchanged`);

  return {
    xml,
    altered,
    fixture: {
      file: `${spec.name}.xml`,
      altered: `${spec.name}-altered.xml`,
      description: spec.description,
      cipher: spec.cipher,
      keyMaterial: spec.pbkdf2 ? { passphrase } : { preSharedKeyHex: key.toString("hex") },
      wrongKeyMaterial,
      pbkdf2: spec.pbkdf2 ? { saltHex: salt.toString("hex"), iterations, keyLength: cipher.keyLength, digest: spec.pbkdf2.digest } : undefined,
      mac: macUri && macDigest ? { uri: macUri, digest: macDigest, keyHex: macKey.toString("hex") } : undefined,
      token,
      encrypted,
    },
  };
}

/** A TOTP token whose secret length suits both its hash and key wrap (a multiple of 8 bytes). */
function tokenFor(name: string, at: number): GeneratedToken {
  const shapes: Omit<GeneratedToken, "serial" | "secretHex">[] = [
    { period: 30, digits: 6, hash: "SHA1", t0: 0 },
    { period: 60, digits: 8, hash: "SHA256", t0: 1_600_000_000 },
    { period: 30, digits: 8, hash: "SHA512", t0: 1_700_000_040 },
  ];
  const shape = shapes[at % shapes.length] as (typeof shapes)[number];
  const secretLength = { SHA1: 24, SHA256: 32, SHA512: 64 }[shape.hash];
  return { serial: `GEN${String(at + 1).padStart(5, "0")}`, secretHex: bytes(`${name}:secret`, secretLength).toString("hex"), ...shape };
}

export function fixtureSpecs(): Spec[] {
  const specs: Omit<Spec, "token">[] = [];
  const allChildren: DataChild[] = ["Secret", "Time", "TimeInterval"];
  for (const [cipher, { mode }] of Object.entries(CIPHERS)) {
    // Key wrap takes whole keys of at least 16 bytes (RFC 3394): integers stay plain in such files.
    const children: DataChild[] = mode === "key-wrap" ? ["Secret"] : allChildren;
    specs.push({ name: `cipher-${cipher}`, description: `${children.join(", ")} encrypted with ${cipher} under a pre-shared key`, cipher, encryptedChildren: children });
  }
  for (const child of ["Secret", "Counter", "Time", "TimeInterval", "TimeDrift"] as const) {
    specs.push({ name: `child-${child}`, description: `only ${child} encrypted (aes128-cbc)`, cipher: "aes128-cbc", encryptedChildren: [child] });
  }
  specs.push({
    name: "child-integers-as-text",
    description: "Time, TimeInterval, Counter and TimeDrift encrypted as decimal text (aes128-cbc)",
    cipher: "aes128-cbc",
    encryptedChildren: ["Secret", "Counter", "Time", "TimeInterval", "TimeDrift"],
    integersAsText: true,
  });
  for (const digest of ["sha1", "sha224", "sha256", "sha384", "sha512"]) {
    for (const [namespace, base] of [["xmldsig", XMLDSIG], ["xmldsig-more", XMLDSIG_MORE]] as const) {
      specs.push({ name: `mac-${namespace}-hmac-${digest}`, description: `ValueMAC with ${base}hmac-${digest}`, cipher: "aes128-cbc", encryptedChildren: allChildren, macUri: `${base}hmac-${digest}` });
    }
  }
  specs.push({ name: "pbkdf2-default-prf", description: "PBKDF2 without a PRF element (HMAC-SHA1 by RFC 8018's default), aes128-cbc", cipher: "aes128-cbc", encryptedChildren: allChildren, pbkdf2: { digest: "sha1" } });
  for (const digest of ["sha1", "sha256", "sha384", "sha512"]) {
    specs.push({
      name: `pbkdf2-hmac-${digest}`,
      description: `PBKDF2 with PRF HMAC-${digest.toUpperCase()}, aes256-cbc`,
      cipher: "aes256-cbc",
      encryptedChildren: allChildren,
      pbkdf2: { prfUri: `${XMLDSIG_MORE}hmac-${digest}`, digest },
    });
  }
  specs.push({ name: "pbkdf2-kw-aes128", description: "PBKDF2 (PRF HMAC-SHA256 by PKCS #5 name) with kw-aes128, no MAC", cipher: "kw-aes128", encryptedChildren: ["Secret"], pbkdf2: { prfUri: `${PKCS5}hmacWithSHA256`, digest: "sha256" } });
  return specs.map((spec, at) => ({ ...spec, token: tokenFor(spec.name, at) }));
}

export const GENERATED_DIR = path.join(__dirname, "..", "fixtures", "pskc", "generated");

function main() {
  fs.rmSync(GENERATED_DIR, { recursive: true, force: true });
  fs.mkdirSync(GENERATED_DIR, { recursive: true });
  const manifest: GeneratedFixture[] = [];
  for (const spec of fixtureSpecs()) {
    const { xml, altered, fixture } = buildFixture(spec);
    fs.writeFileSync(path.join(GENERATED_DIR, fixture.file), xml);
    fs.writeFileSync(path.join(GENERATED_DIR, fixture.altered), altered);
    manifest.push(fixture);
  }
  fs.writeFileSync(path.join(GENERATED_DIR, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`Wrote ${manifest.length} fixtures (and their altered twins) to ${GENERATED_DIR}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) main();
