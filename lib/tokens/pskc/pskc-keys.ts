// Unlocking an encrypted PSKC file: the key typed by the admin (pre-shared AES key in hex, or a
// passphrase for PBKDF2) gives the encryption key, which decrypts the MAC key. Every encrypted
// value is authenticated with its ValueMAC before it is decrypted (S2): a wrong key and a flipped
// bit look the same, and both refuse the file.
import { TokenFileError } from "../token-file-row";
import {
  CBC_ALGORITHMS,
  HMAC_ALGORITHMS,
  MAX_PBKDF2_ITERATIONS,
  PBKDF2_URI,
  decodeBase64Strict,
  decryptCbc,
  derivePbkdf2Key,
  valueMacMatches,
} from "./pskc-crypto";
import { childNamed, path, type XmlElement } from "./xml";

export type PskcKeys = { encryptionKey: Buffer; macKey: Buffer; macDigest: string };

export const KEY_REQUIRED = "This file's secrets are encrypted: type the pre-shared key (hex) or the passphrase.";
export const MAC_MISMATCH = "The key or passphrase is wrong, or the file was altered: the MAC does not match.";

/** Derives or takes the encryption key, then decrypts the MAC key with it. */
export function unlockPskc(options: { container: XmlElement; preSharedKeyHex?: string; passphrase?: string }): PskcKeys {
  const encryptionKey = readEncryptionKey(options);
  const macMethod = childNamed(options.container, "MACMethod");
  if (!macMethod) {
    throw new TokenFileError(
      "unsupported-encryption",
      "The file's secrets are encrypted but carry no MAC (MACMethod), so a wrong key or an altered file could not be detected; ask the vendor for a file with a ValueMAC.",
    );
  }
  const macUri = macMethod.attributes.get("Algorithm") ?? "";
  const macDigest = HMAC_ALGORITHMS[macUri];
  if (!macDigest) throw new TokenFileError("unsupported-encryption", `The MAC algorithm "${macUri}" is not supported; use HMAC-SHA1 or HMAC-SHA256.`);

  const macKeyElement = childNamed(macMethod, "MACKey");
  // Drafts before RFC 6030 had no MACKey: the MAC was keyed with the encryption key itself.
  const macKey = macKeyElement ? decryptElement(macKeyElement, encryptionKey, "the MAC key") : encryptionKey;
  if (!macKey) throw new TokenFileError("mac-mismatch", MAC_MISMATCH);
  return { encryptionKey, macKey, macDigest };
}

/** Checks the ValueMAC next to an EncryptedValue (e.g. inside `<Secret>`); throws if it doesn't match. */
export function verifyValueMac(parent: XmlElement, keys: PskcKeys, where: string): void {
  const mac = decodeBase64Strict(childNamed(parent, "ValueMAC")?.text ?? "");
  if (!mac || mac.length === 0) {
    throw new TokenFileError("mac-mismatch", `The encrypted ${parent.local} in ${where} has no valid ValueMAC, so it can't be trusted.`);
  }
  const ivAndCiphertext = cipherValue(childNamed(parent, "EncryptedValue") as XmlElement, `the ${parent.local} in ${where}`);
  if (!valueMacMatches({ digest: keys.macDigest, macKey: keys.macKey, ivAndCiphertext, mac })) {
    throw new TokenFileError("mac-mismatch", MAC_MISMATCH);
  }
}

/** The plaintext of `<Secret><EncryptedValue>…`, authenticated first. */
export function openEncryptedValue(parent: XmlElement, keys: PskcKeys, where: string): Buffer {
  verifyValueMac(parent, keys, where);
  const plain = decryptElement(childNamed(parent, "EncryptedValue") as XmlElement, keys.encryptionKey, `the ${parent.local} in ${where}`);
  if (!plain) throw new TokenFileError("mac-mismatch", MAC_MISMATCH);
  return plain;
}

function readEncryptionKey(options: { container: XmlElement; preSharedKeyHex?: string; passphrase?: string }): Buffer {
  const preSharedKeyHex = options.preSharedKeyHex?.trim() || undefined;
  const passphrase = options.passphrase || undefined;
  if (!preSharedKeyHex && !passphrase) throw new TokenFileError("key-required", KEY_REQUIRED);

  const derivedKey = path(options.container, "EncryptionKey", "DerivedKey");
  if (derivedKey) {
    if (!passphrase) {
      throw new TokenFileError("key-required", "This file's secrets are protected by a passphrase (PBKDF2), not a pre-shared key: type the passphrase.");
    }
    return derivePassphraseKey(derivedKey, passphrase);
  }
  if (!preSharedKeyHex) {
    throw new TokenFileError("key-required", "This file's secrets are encrypted with a pre-shared key, not a passphrase: type the key in hex.");
  }
  const hex = preSharedKeyHex.replace(/^0x/i, "").replace(/[\s:-]/g, "");
  if (!/^(?:[0-9a-f]{32}|[0-9a-f]{48}|[0-9a-f]{64})$/i.test(hex)) {
    throw new TokenFileError("bad-key", "The pre-shared key must be hexadecimal: 32 characters for AES-128 (or 48/64 for AES-192/256).");
  }
  return Buffer.from(hex, "hex");
}

function derivePassphraseKey(derivedKey: XmlElement, passphrase: string): Buffer {
  const method = childNamed(derivedKey, "KeyDerivationMethod");
  if (method?.attributes.get("Algorithm") !== PBKDF2_URI) {
    throw new TokenFileError("unsupported-encryption", "The file derives its key with a method other than PBKDF2, which is not supported.");
  }
  const params = childNamed(method, "PBKDF2-params");
  const salt = decodeBase64Strict(path(params, "Salt", "Specified")?.text ?? "");
  const iterations = Number(childNamed(params, "IterationCount")?.text.trim());
  const keyLength = Number(childNamed(params, "KeyLength")?.text.trim() || 16);
  const prfUri = childNamed(params, "PRF")?.attributes.get("Algorithm");
  const digest = prfUri === undefined ? "sha1" : HMAC_ALGORITHMS[prfUri];
  if (!salt || salt.length === 0 || !Number.isInteger(iterations) || iterations < 1 || ![16, 24, 32].includes(keyLength) || !digest) {
    throw new TokenFileError("unsupported-encryption", "The file's PBKDF2 parameters (Salt, IterationCount, KeyLength, PRF) are missing or not supported.");
  }
  if (iterations > MAX_PBKDF2_ITERATIONS) {
    throw new TokenFileError("unsupported-encryption", `The file asks for ${iterations} PBKDF2 iterations; at most ${MAX_PBKDF2_ITERATIONS} are accepted.`);
  }
  return derivePbkdf2Key({ passphrase, salt, iterations, keyLength, digest });
}

/** Decrypts an element holding `EncryptionMethod` + `CipherData/CipherValue`; null if the key can't be right. */
function decryptElement(element: XmlElement, key: Buffer, what: string): Buffer | null {
  const algorithm = childNamed(element, "EncryptionMethod")?.attributes.get("Algorithm") ?? "";
  const spec = CBC_ALGORITHMS[algorithm];
  if (!spec) {
    throw new TokenFileError("unsupported-encryption", `${capitalise(what)} is encrypted with "${algorithm || "no EncryptionMethod"}"; only AES-CBC (xmlenc aes128-cbc) is supported.`);
  }
  if (key.length !== spec.keyLength) {
    throw new TokenFileError("bad-key", `The file uses ${spec.cipher.toUpperCase()}, which needs a ${spec.keyLength * 8}-bit key; the key given is ${key.length * 8} bits.`);
  }
  return decryptCbc({ algorithm, key, ivAndCiphertext: cipherValue(element, what) });
}

function cipherValue(element: XmlElement, what: string): Buffer {
  const value = decodeBase64Strict(path(element, "CipherData", "CipherValue")?.text ?? "");
  if (!value || value.length < 32 || value.length % 16 !== 0) {
    throw new TokenFileError("not-pskc", `${capitalise(what)} is damaged: its CipherValue is not an IV and AES blocks in Base64.`);
  }
  return value;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
