// The generated PSKC fixtures (test/support/generate-pskc-fixtures.ts): every encryption
// algorithm, encrypted Data child, MAC URI and PBKDF2 PRF the portal reads. Each file is first
// decrypted by the `openssl` command line (an implementation independent of the portal's code
// path: its own process, its own argument parsing), then imported by parsePskc, and the imported
// token's code is checked against `oathtool`. The wrong-key and altered twins are refused whole.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { codeAt } from "../../../lib/otp/totp";
import { parsePskc } from "../../../lib/tokens/pskc/parse-pskc";
import { KEY_WRAP_MISMATCH, MAC_MISMATCH } from "../../../lib/tokens/pskc/pskc-keys";
import { TokenFileError } from "../../../lib/tokens/token-file-row";
import { CIPHERS, type GeneratedFixture } from "../../support/generate-pskc-fixtures";
import { caught, fixture, onlyRow } from "./helpers";

const manifest = JSON.parse(fixture("pskc/generated/manifest.json").toString("utf8")) as GeneratedFixture[];
const NOW = new Date("2026-03-01T12:34:56Z");

function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync("openssl", args, { input, stdio: ["pipe", "pipe", "pipe"] });
}

/** The encryption key, from the manifest or derived by `openssl kdf` from the passphrase. */
function encryptionKeyHex(entry: GeneratedFixture): string {
  if (entry.keyMaterial.preSharedKeyHex) return entry.keyMaterial.preSharedKeyHex;
  const { saltHex, iterations, keyLength, digest } = entry.pbkdf2!;
  const args = ["kdf", "-keylen", String(keyLength), "-kdfopt", `digest:${digest.toUpperCase()}`, "-kdfopt", `pass:${entry.keyMaterial.passphrase}`];
  const out = openssl([...args, "-kdfopt", `hexsalt:${saltHex}`, "-kdfopt", `iter:${iterations}`, "PBKDF2"]).toString("utf8");
  return out.trim().replaceAll(":", "").toLowerCase();
}

/** `openssl enc -d` of one CipherValue: CBC with the IV in front (xmlenc padding stripped here), or key wrap. */
function opensslDecrypt(entry: GeneratedFixture, keyHex: string, cipherValue: Buffer): Buffer {
  const cipher = CIPHERS[entry.cipher]!;
  if (cipher.mode === "key-wrap") {
    const iv = cipher.openssl === "des3-wrap" ? [] : ["-iv", "A6A6A6A6A6A6A6A6"];
    return openssl(["enc", "-d", `-${cipher.openssl}`, "-K", keyHex, ...iv], cipherValue);
  }
  const iv = cipherValue.subarray(0, cipher.ivLength).toString("hex");
  const padded = openssl(["enc", "-d", `-${cipher.openssl}`, "-K", keyHex, "-iv", iv, "-nopad"], cipherValue.subarray(cipher.ivLength));
  return padded.subarray(0, padded.length - (padded[padded.length - 1] as number));
}

function oathtool(entry: GeneratedFixture): string {
  const { token } = entry;
  const mode = token.hash === "SHA1" ? "sha1" : token.hash.toLowerCase();
  const args = [`--totp=${mode}`, `--digits=${token.digits}`, `--time-step-size=${token.period}s`, `--start-time=@${token.t0}`, `--now=@${NOW.getTime() / 1000}`, token.secretHex];
  return execFileSync("oathtool", args).toString("utf8").trim();
}

describe("generated PSKC fixtures", () => {
  it("cover every algorithm, every encrypted Data child, every MAC URI and every PBKDF2 PRF", () => {
    expect(new Set(manifest.map((entry) => entry.cipher))).toEqual(new Set(Object.keys(CIPHERS)));
    expect(new Set(manifest.flatMap((entry) => entry.encrypted.map((value) => value.child)))).toEqual(new Set(["Secret", "Counter", "Time", "TimeInterval", "TimeDrift"]));
    const macUris = manifest.flatMap((entry) => (entry.mac ? [entry.mac.uri] : []));
    for (const digest of ["sha1", "sha224", "sha256", "sha384", "sha512"]) {
      expect(macUris).toContain(`http://www.w3.org/2000/09/xmldsig#hmac-${digest}`);
      expect(macUris).toContain(`http://www.w3.org/2001/04/xmldsig-more#hmac-${digest}`);
    }
    expect(new Set(manifest.flatMap((entry) => (entry.pbkdf2 ? [entry.pbkdf2.digest] : [])))).toEqual(new Set(["sha1", "sha256", "sha384", "sha512"]));
  });

  describe.each(manifest.map((entry) => [entry.file, entry] as const))("%s", (_file, entry) => {
    const xml = fixture(`pskc/generated/${entry.file}`);

    it("decrypts with the openssl command line to the values it was made from, with a matching ValueMAC", () => {
      const keyHex = encryptionKeyHex(entry);
      for (const value of entry.encrypted) {
        expect(xml.toString("utf8")).toContain(value.cipherValue);
        const cipherValue = Buffer.from(value.cipherValue, "base64");
        expect(opensslDecrypt(entry, keyHex, cipherValue).toString("hex")).toBe(value.plainHex);
        if (entry.mac) {
          const mac = openssl(["mac", "-digest", entry.mac.digest.toUpperCase(), "-macopt", `hexkey:${entry.mac.keyHex}`, "HMAC"], cipherValue);
          expect(Buffer.from(mac.toString("utf8").trim(), "hex").toString("base64")).toBe(value.valueMac);
        }
      }
    });

    it("imports with the right secret, period, digits, hash and T0: its code matches oathtool's", () => {
      const row = onlyRow(parsePskc({ xml, ...entry.keyMaterial, now: NOW }).rows);
      expect({ serial: row.serialNumber, secretHex: row.secret.toString("hex"), period: row.period, digits: row.digits, hash: row.algorithm, t0: row.t0 }).toEqual({
        serial: entry.token.serial,
        secretHex: entry.token.secretHex,
        period: entry.token.period,
        digits: entry.token.digits,
        hash: entry.token.hash,
        t0: entry.token.t0,
      });
      expect(codeAt({ secret: row.secret, algorithm: row.algorithm, digits: row.digits, period: row.period, t0: row.t0, now: NOW })).toBe(oathtool(entry));
    });

    it("is refused whole with a wrong key or passphrase", async () => {
      const error = await caught(() => parsePskc({ xml, ...entry.wrongKeyMaterial, now: NOW }));
      expect(error).toBeInstanceOf(TokenFileError);
      expect(error.code).toBe("mac-mismatch");
      expect(error.message).toBe(entry.mac ? MAC_MISMATCH : KEY_WRAP_MISMATCH);
    });

    it(`is refused whole when altered (${entry.mac ? "a ValueMAC bit flipped" : "a wrapped bit flipped"})`, async () => {
      const error = await caught(() => parsePskc({ xml: fixture(`pskc/generated/${entry.altered}`), ...entry.keyMaterial, now: NOW }));
      expect(error).toBeInstanceOf(TokenFileError);
      expect(error.code).toBe("mac-mismatch");
      expect(error.message).toBe(entry.mac ? MAC_MISMATCH : KEY_WRAP_MISMATCH);
    });
  });
});
