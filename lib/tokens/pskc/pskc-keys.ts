// Unlocking an encrypted PSKC file: the key typed by the admin (pre-shared key in hex, or a
// passphrase for PBKDF2) gives the encryption key, which decrypts the MAC key. Every encrypted
// value is authenticated before it is decrypted (S2): by its ValueMAC for CBC, by the key wrap's
// own integrity check for key wrap. A wrong key and a flipped bit look the same, and both refuse
// the file.
import { TokenFileError } from "../token-file-row";
import {
  ENCRYPTION_ALGORITHMS,
  HMAC_ALGORITHMS,
  MAX_PBKDF2_ITERATIONS,
  PBKDF2_PRFS,
  PBKDF2_URI,
  UNAVAILABLE_ENCRYPTION,
  cipherValueProblem,
  decodeBase64Strict,
  decryptCipherValue,
  derivePbkdf2Key,
  valueMacMatches,
  type EncryptionAlgorithm,
} from "./pskc-crypto";
import { childNamed, path, type XmlElement } from "./xml";

export type PskcKeys = {
  encryptionKey: Buffer;
  /** Where the encryption key came from, for messages about its length. */
  keySource: "pre-shared key" | "passphrase";
  /** From MACMethod; absent in key wrap files, which need none. */
  mac: { key: Buffer; digest: string } | null;
};

export const KEY_REQUIRED = "This file's secrets are encrypted: type the pre-shared key (hex) or the passphrase.";
export const MAC_MISMATCH = "The key or passphrase is wrong, or the file was altered: the MAC does not match.";
export const KEY_WRAP_MISMATCH = "The key or passphrase is wrong, or the file was altered: the key wrap's integrity check fails.";
export const NO_MAC =
  "The file's secrets are encrypted but carry no MAC (MACMethod), so a wrong key or an altered file could not be detected; ask the vendor for a file with a ValueMAC.";

const SUPPORTED_ENCRYPTION =
  "AES-128/192/256-CBC, Triple-DES-CBC, Camellia-128/192/256-CBC, AES-128/192/256 key wrap and Triple-DES key wrap (RFC 6030 §6.1)";
const SUPPORTED_MACS = "HMAC-SHA1, HMAC-SHA224, HMAC-SHA256, HMAC-SHA384 or HMAC-SHA512 (xmldsig# or xmldsig-more# URIs)";
const SUPPORTED_PRFS = "HMAC-SHA1, HMAC-SHA256, HMAC-SHA384 or HMAC-SHA512 (RFC 8018)";

/** Derives or takes the encryption key, then decrypts the MAC key with it. */
export function unlockPskc(options: { container: XmlElement; preSharedKeyHex?: string; passphrase?: string }): PskcKeys {
  const { encryptionKey, keySource } = readEncryptionKey(options);
  const macMethod = childNamed(options.container, "MACMethod");
  if (!macMethod) return { encryptionKey, keySource, mac: null };

  const macUri = macMethod.attributes.get("Algorithm")?.trim() ?? "";
  const digest = HMAC_ALGORITHMS[macUri];
  if (!digest) {
    throw new TokenFileError(
      "unsupported-encryption",
      macUri === ""
        ? `The file's MACMethod names no Algorithm; it must be ${SUPPORTED_MACS}. Ask the vendor for a corrected export.`
        : `The file's MAC algorithm "${macUri}" is not supported; it must be ${SUPPORTED_MACS}. Ask the vendor to export with one of them.`,
    );
  }
  const macKeyElement = childNamed(macMethod, "MACKey");
  const partial: PskcKeys = { encryptionKey, keySource, mac: null };
  // Drafts before RFC 6030 had no MACKey: the MAC was keyed with the encryption key itself. The
  // MAC key has no MAC of its own: a wrong one shows as a mismatch on the first value checked.
  const macKey = macKeyElement ? decryptElement(macKeyElement, partial, "the MAC key (MACKey)") : encryptionKey;
  return { encryptionKey, keySource, mac: { key: macKey, digest } };
}

/**
 * The plaintext of a Data child's `<EncryptedValue>` (Secret, Counter, Time, TimeInterval,
 * TimeDrift), authenticated first: a CBC value by its ValueMAC, a key wrap value by the wrap's
 * integrity check (and by its ValueMAC too, when the file has one).
 */
export function openEncryptedValue(parent: XmlElement, keys: PskcKeys, where: string): Buffer {
  const what = `the encrypted ${parent.local} in ${where}`;
  const encrypted = childNamed(parent, "EncryptedValue") as XmlElement;
  const algorithm = algorithmOf(encrypted, keys, what);
  const macText = childNamed(parent, "ValueMAC")?.text;
  if (algorithm.mode === "cbc" && !keys.mac) throw new TokenFileError("unsupported-encryption", NO_MAC);
  if (algorithm.mode === "cbc" && macText === undefined) {
    throw new TokenFileError("mac-mismatch", `${capitalise(what)} has no ValueMAC, so it can't be trusted; ask the vendor for a file with a ValueMAC on every encrypted value.`);
  }
  const cipherValue = cipherValueOf(encrypted, algorithm, what);
  if (macText !== undefined) {
    if (!keys.mac) {
      throw new TokenFileError("unsupported-encryption", `${capitalise(what)} has a ValueMAC but the file has no MACMethod saying how to check it; ask the vendor for a corrected export.`);
    }
    const mac = decodeBase64Strict(macText);
    if (!mac || mac.length === 0) {
      throw new TokenFileError("mac-mismatch", `The ValueMAC of ${what} is not Base64 ("${macText.trim().slice(0, 40)}"), so the value can't be trusted; the file is damaged.`);
    }
    if (!valueMacMatches({ digest: keys.mac.digest, macKey: keys.mac.key, cipherValue, mac })) throw new TokenFileError("mac-mismatch", MAC_MISMATCH);
  }
  const plain = decryptCipherValue({ algorithm, key: keys.encryptionKey, cipherValue });
  if (!plain) throw new TokenFileError("mac-mismatch", algorithm.mode === "key-wrap" ? KEY_WRAP_MISMATCH : MAC_MISMATCH);
  return plain;
}

function readEncryptionKey(options: { container: XmlElement; preSharedKeyHex?: string; passphrase?: string }): Pick<PskcKeys, "encryptionKey" | "keySource"> {
  const preSharedKeyHex = options.preSharedKeyHex?.trim() || undefined;
  const passphrase = options.passphrase || undefined;
  if (!preSharedKeyHex && !passphrase) throw new TokenFileError("key-required", KEY_REQUIRED);

  const derivedKey = path(options.container, "EncryptionKey", "DerivedKey");
  if (derivedKey) {
    if (!passphrase) {
      throw new TokenFileError("key-required", "This file's secrets are protected by a passphrase (PBKDF2), not a pre-shared key: type the passphrase.");
    }
    return { encryptionKey: derivePassphraseKey(derivedKey, passphrase), keySource: "passphrase" };
  }
  if (!preSharedKeyHex) {
    throw new TokenFileError("key-required", "This file's secrets are encrypted with a pre-shared key, not a passphrase: type the key in hex.");
  }
  const hex = preSharedKeyHex.replace(/^0x/i, "").replace(/[\s:-]/g, "");
  // The key is a secret: the message says what is wrong with it, never echoes it.
  if (!/^[0-9a-f]*$/i.test(hex)) {
    throw new TokenFileError("bad-key", "The pre-shared key must be hexadecimal (0–9, a–f); the key typed contains other characters.");
  }
  if (![32, 48, 64].includes(hex.length)) {
    throw new TokenFileError(
      "bad-key",
      `The pre-shared key must be 32, 48 or 64 hexadecimal characters (a 128-, 192- or 256-bit key); the key typed has ${hex.length}.`,
    );
  }
  return { encryptionKey: Buffer.from(hex, "hex"), keySource: "pre-shared key" };
}

function derivePassphraseKey(derivedKey: XmlElement, passphrase: string): Buffer {
  const method = childNamed(derivedKey, "KeyDerivationMethod");
  const methodUri = method?.attributes.get("Algorithm")?.trim() ?? "";
  if (methodUri !== PBKDF2_URI) {
    throw new TokenFileError(
      "unsupported-encryption",
      `The file derives its key with ${methodUri ? `"${methodUri}"` : "no KeyDerivationMethod"}; only PBKDF2 (${PBKDF2_URI}) is supported. Ask the vendor for a PBKDF2 or pre-shared key file.`,
    );
  }
  const params = childNamed(method, "PBKDF2-params");
  const problem = (text: string) => new TokenFileError("unsupported-encryption", `The file's PBKDF2 parameters are not usable: ${text} Ask the vendor for a corrected export.`);
  const saltText = path(params, "Salt", "Specified")?.text.trim() ?? "";
  const salt = decodeBase64Strict(saltText);
  if (!salt || salt.length === 0) throw problem(saltText === "" ? "the Salt is missing." : `the Salt "${saltText.slice(0, 40)}" is not Base64.`);
  const iterationsText = childNamed(params, "IterationCount")?.text.trim() ?? "";
  const iterations = /^\d{1,12}$/.test(iterationsText) ? Number(iterationsText) : NaN;
  if (!(iterations >= 1)) throw problem(iterationsText === "" ? "the IterationCount is missing." : `the IterationCount "${iterationsText.slice(0, 40)}" is not a positive whole number.`);
  if (iterations > MAX_PBKDF2_ITERATIONS) {
    throw new TokenFileError(
      "unsupported-encryption",
      `The file asks for ${iterations} PBKDF2 iterations; at most ${MAX_PBKDF2_ITERATIONS} are accepted. Ask the vendor for an export with fewer iterations.`,
    );
  }
  const keyLengthText = childNamed(params, "KeyLength")?.text.trim() || "16";
  const keyLength = Number(keyLengthText);
  if (![16, 24, 32].includes(keyLength)) throw problem(`the KeyLength is "${keyLengthText.slice(0, 40)}"; it must be 16, 24 or 32 (bytes).`);
  const prfUri = childNamed(params, "PRF")?.attributes.get("Algorithm")?.trim();
  // RFC 8018: without a PRF, PBKDF2 uses HMAC-SHA1.
  const digest = prfUri === undefined || prfUri === "" ? "sha1" : PBKDF2_PRFS[prfUri];
  if (!digest) throw problem(`the PRF "${prfUri}" is not supported; it must be ${SUPPORTED_PRFS}.`);
  return derivePbkdf2Key({ passphrase, salt, iterations, keyLength, digest });
}

/** Decrypts an element holding `EncryptionMethod` + `CipherData/CipherValue` (the MACKey). */
function decryptElement(element: XmlElement, keys: PskcKeys, what: string): Buffer {
  const algorithm = algorithmOf(element, keys, what);
  const plain = decryptCipherValue({ algorithm, key: keys.encryptionKey, cipherValue: cipherValueOf(element, algorithm, what) });
  if (!plain) throw new TokenFileError("mac-mismatch", algorithm.mode === "key-wrap" ? KEY_WRAP_MISMATCH : MAC_MISMATCH);
  return plain;
}

/** The element's encryption algorithm, refused with a reason if unsupported or if the key can't fit it. */
function algorithmOf(element: XmlElement, keys: PskcKeys, what: string): EncryptionAlgorithm {
  const uri = childNamed(element, "EncryptionMethod")?.attributes.get("Algorithm")?.trim() ?? "";
  const algorithm = ENCRYPTION_ALGORITHMS[uri];
  if (!algorithm) {
    if (uri === "") {
      throw new TokenFileError("unsupported-encryption", `${capitalise(what)} names no EncryptionMethod Algorithm, so it can't be decrypted; ask the vendor for a corrected export.`);
    }
    const unavailable = UNAVAILABLE_ENCRYPTION.includes(uri) ? " (Camellia key wrap is not available on this server)" : "";
    throw new TokenFileError(
      "unsupported-encryption",
      `${capitalise(what)} is encrypted with "${uri}"${unavailable}, which the portal can't decrypt; it reads ${SUPPORTED_ENCRYPTION}. Ask the vendor for a file using one of them.`,
    );
  }
  const given = keys.encryptionKey.length;
  if (given !== algorithm.keyLength) {
    const needs = `${algorithm.keyLength * 8}-bit key`;
    throw new TokenFileError(
      "bad-key",
      keys.keySource === "pre-shared key"
        ? `The file uses ${algorithm.name}, which needs a ${needs} (${algorithm.keyLength * 2} hexadecimal characters); the pre-shared key typed is ${given * 8} bits (${given * 2} characters). Type the ${algorithm.keyLength * 2}-character key the vendor gave for this file.`
        : `The file uses ${algorithm.name}, which needs a ${needs}, but its PBKDF2 KeyLength gives ${given * 8} bits; ask the vendor for a corrected export.`,
    );
  }
  return algorithm;
}

function cipherValueOf(element: XmlElement, algorithm: EncryptionAlgorithm, what: string): Buffer {
  const text = path(element, "CipherData", "CipherValue")?.text ?? "";
  const value = decodeBase64Strict(text);
  if (!value || value.length === 0) {
    throw new TokenFileError("not-pskc", `${capitalise(what)} is damaged: its CipherValue is ${text.trim() === "" ? "missing" : "not Base64"}. Ask the vendor for a new export.`);
  }
  const problem = cipherValueProblem(algorithm, value);
  if (problem) throw new TokenFileError("not-pskc", `${capitalise(what)} is damaged: its CipherValue is ${problem}. Ask the vendor for a new export.`);
  return value;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
