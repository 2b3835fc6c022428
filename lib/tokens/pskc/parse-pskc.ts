// PSKC (RFC 6030) key containers as vendors ship them: plain, pre-shared key (CBC or key wrap),
// or PBKDF2 passphrase, with any Data child plain or encrypted. Whole-file problems throw TokenFileError; each KeyPackage becomes a token or a
// failure with its reason, judged by the same rules as CSV rows.
import { TokenFileError, type ParsedRow } from "../token-file-row";
import { validateSeedRow } from "../validate-seed-row";
import { decodeBase64Strict } from "./pskc-crypto";
import { openEncryptedValue, unlockPskc } from "./pskc-keys";
import { childNamed, childrenNamed, parseXml, path, XmlError, type XmlElement } from "./xml";

export const PSKC_NAMESPACE = "urn:ietf:params:xml:ns:keyprov:pskc";
const TOTP_ALGORITHMS = [`${PSKC_NAMESPACE}:totp`, `${PSKC_NAMESPACE}#totp`];
const HOTP_ALGORITHMS = [`${PSKC_NAMESPACE}:hotp`, `${PSKC_NAMESPACE}#hotp`];

/** Keys of `original` for PSKC rows: the columns of a PSKC upload's failures CSV. */
export const PSKC_ORIGINAL_COLUMNS = ["key package", "serial number", "manufacturer", "model", "key id", "algorithm"];

export type ParsePskcOptions = {
  xml: string | Buffer;
  /** AES key for files with `EncryptionKey/KeyName`, as hex. */
  preSharedKeyHex?: string;
  /** Passphrase for files with `EncryptionKey/DerivedKey` (PBKDF2). */
  passphrase?: string;
  /** Compared with Policy StartDate/ExpiryDate; defaults to the current time. */
  now?: Date;
  /** Import keys whose Policy ExpiryDate is past (hardware fobs keep working past a vendor's date). */
  acceptExpired?: boolean;
  /** KeyPackages allowed in one file (S5). */
  maxRows?: number;
};

export function parsePskc(options: ParsePskcOptions): { rows: ParsedRow[] } {
  const container = readContainer(options.xml);
  const packages = childrenNamed(container, "KeyPackage");
  if (packages.length === 0) throw new TokenFileError("empty", "The file contains no keys (no KeyPackage element).");
  if (options.maxRows !== undefined && packages.length > options.maxRows) {
    throw new TokenFileError(
      "too-many-rows",
      `The file has ${packages.length} keys; one upload may hold at most ${options.maxRows}. Split it into smaller files.`,
    );
  }

  // Strict mode (S2): every encrypted value in the file is authenticated and opened before any
  // row is built, so one bad MAC (or failed key wrap check) refuses the whole file instead of
  // importing part of it.
  const encrypted = packages.flatMap((keyPackage, at) =>
    findEncryptedValueParents(keyPackage).map((parent) => ({ parent, where: `KeyPackage ${at + 1}` })),
  );
  const opened: OpenedValues = new Map();
  if (encrypted.length > 0) {
    const keys = unlockPskc({ container, preSharedKeyHex: options.preSharedKeyHex, passphrase: options.passphrase });
    for (const { parent, where } of encrypted) opened.set(parent, openEncryptedValue(parent, keys, where));
  }

  const dates = { now: options.now ?? new Date(), acceptExpired: options.acceptExpired ?? false };
  return { rows: packages.map((keyPackage, at) => readKeyPackage(keyPackage, at + 1, opened, dates)) };
}

/** Plaintexts of the file's EncryptedValues, by the Data child (or other element) holding each. */
type OpenedValues = Map<XmlElement, Buffer>;

/** Decodes, parses and checks the root; every failure here is about the file as a whole. */
export function readContainer(xml: string | Buffer): XmlElement {
  let root: XmlElement;
  try {
    root = parseXml(decodeXml(xml));
  } catch (error) {
    if (!(error instanceof XmlError)) throw error;
    if (error.kind === "doctype") {
      throw new TokenFileError(
        "doctype",
        "The file contains a DOCTYPE or ENTITY declaration and is refused: PSKC files never need one, and it is how XML entity attacks (XXE, billion laughs) work.",
      );
    }
    if (error.kind === "encoding") throw new TokenFileError("encoding", `The file's encoding is not supported (${error.message}).`);
    if (error.kind === "truncated") throw new TokenFileError("not-xml", `The file is incomplete XML; it looks truncated (${error.message}).`);
    throw new TokenFileError("not-xml", `The file is not well-formed XML (${error.message}).`);
  }
  if (root.local !== "KeyContainer" || root.namespace !== PSKC_NAMESPACE) {
    throw new TokenFileError("not-pskc", `The file is not a PSKC key container: its root element is <${root.name}>, not <KeyContainer xmlns="${PSKC_NAMESPACE}">.`);
  }
  const version = root.attributes.get("Version");
  if (version !== "1.0") {
    throw new TokenFileError("unsupported-version", `The PSKC Version is ${version === undefined ? "missing" : `"${version}"`}; only version 1.0 (RFC 6030) is supported.`);
  }
  return root;
}

function decodeXml(xml: string | Buffer): string {
  if (typeof xml === "string") return xml.replace(/^\uFEFF/, "");
  if ((xml[0] === 0xff && xml[1] === 0xfe) || (xml[0] === 0xfe && xml[1] === 0xff) || xml.subarray(0, 64).includes(0)) {
    throw new TokenFileError("encoding", "The file is UTF-16 text: save it as UTF-8.");
  }
  const hasBom = xml[0] === 0xef && xml[1] === 0xbb && xml[2] === 0xbf;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(hasBom ? xml.subarray(3) : xml);
  } catch {
    throw new TokenFileError("encoding", "The file is not valid UTF-8 text: save it as UTF-8.");
  }
}

function findEncryptedValueParents(element: XmlElement): XmlElement[] {
  if (childNamed(element, "EncryptedValue")) return [element];
  return element.children.flatMap(findEncryptedValueParents);
}

function readKeyPackage(keyPackage: XmlElement, line: number, opened: OpenedValues, dates: { now: Date; acceptExpired: boolean }): ParsedRow {
  const device = childNamed(keyPackage, "DeviceInfo");
  const key = childNamed(keyPackage, "Key");
  const serialNumber = textOf(childNamed(device, "SerialNo"));
  const manufacturer = textOf(childNamed(device, "Manufacturer"));
  const model = textOf(childNamed(device, "Model"));
  const algorithmUri = key?.attributes.get("Algorithm")?.trim() ?? "";
  const original = Object.fromEntries([
    ["key package", String(line)],
    ["serial number", serialNumber],
    ["manufacturer", manufacturer],
    ["model", model],
    ["key id", key?.attributes.get("Id") ?? ""],
    ["algorithm", algorithmUri],
  ]);
  if (!key) return { ok: false, failure: { line, serialNumber, reason: "The KeyPackage has no Key.", original } };

  const reasons: string[] = [];
  const isHotp = HOTP_ALGORITHMS.includes(algorithmUri);
  if (!isHotp && !TOTP_ALGORITHMS.includes(algorithmUri)) {
    reasons.push(
      algorithmUri === ""
        ? "The key has no Algorithm; only TOTP keys can be imported."
        : `Unknown algorithm "${algorithmUri}"; only TOTP keys (${TOTP_ALGORITHMS[0]}) can be imported.`,
    );
  }

  const responseFormat = path(key, "AlgorithmParameters", "ResponseFormat");
  const encoding = responseFormat?.attributes.get("Encoding");
  if (encoding !== undefined && encoding.toUpperCase() !== "DECIMAL") {
    reasons.push(`The codes are ${encoding}; only DECIMAL codes are supported.`);
  }

  const data = childNamed(key, "Data");
  const secret = readSecret(childNamed(data, "Secret"), opened);
  if (typeof secret === "string") reasons.push(secret);

  const period = readNumber(data, "TimeInterval", opened, reasons);
  const t0 = readNumber(data, "Time", opened, reasons);
  // Counter (HOTP only) and TimeDrift (the portal learns drift from codes) are not used, but an
  // encrypted one was authenticated with the rest of the file, and a malformed one is reported.
  readNumber(data, "Counter", opened, reasons);
  readNumber(data, "TimeDrift", opened, reasons);
  reasons.push(...checkPolicyDates(childNamed(key, "Policy"), dates));

  return validateSeedRow({
    line,
    serialNumber,
    upn: null,
    secret: typeof secret === "string" ? null : { bytes: secret },
    period: period ?? "30",
    digits: responseFormat?.attributes.get("Length"),
    hash: textOf(path(key, "AlgorithmParameters", "Suite")),
    t0,
    manufacturer,
    model,
    isHotp,
    reasons,
    original,
  });
}

/** The secret's bytes, or the reason it can't be read. */
function readSecret(secret: XmlElement | undefined, opened: OpenedValues): Buffer | string {
  if (!secret) return Buffer.alloc(0);
  const decrypted = opened.get(secret);
  if (decrypted) return decrypted;
  const plain = childNamed(secret, "PlainValue");
  if (!plain) return Buffer.alloc(0);
  // Never echoed, not even damaged: most of it is still the seed.
  return decodeBase64Strict(plain.text) ?? "The secret (PlainValue) is not valid Base64; the file is damaged: ask the vendor for a new export.";
}

/**
 * An integer Data child (TimeInterval, Time, Counter, TimeDrift) as decimal text, plain or
 * decrypted. RFC 6030 encrypts integers in their binary form (big-endian); some producers
 * encrypt the decimal text instead, so a plaintext of ASCII digits is read as that.
 */
function readNumber(data: XmlElement | undefined, local: "TimeInterval" | "Time" | "Counter" | "TimeDrift", opened: OpenedValues, reasons: string[]): string | undefined {
  const element = childNamed(data, local);
  if (!element) return undefined;
  const decrypted = opened.get(element);
  if (!decrypted) return textOf(childNamed(element, "PlainValue")) || undefined;
  if (decrypted.length > 0 && /^-?[0-9]+$/.test(decrypted.toString("latin1"))) return decrypted.toString("latin1");
  if (decrypted.length === 0 || decrypted.length > 8) {
    reasons.push(`The encrypted ${local} decrypts to ${decrypted.length} bytes, not a whole number (at most 8 bytes, big-endian); the file is damaged.`);
    return undefined;
  }
  const value = decrypted.reduce((total, byte) => total * 256n + BigInt(byte), 0n);
  // TimeDrift is a signed number of steps (xs:int); the others are unsigned.
  const signed = local === "TimeDrift" && (decrypted[0] as number) >= 0x80 ? value - (1n << BigInt(decrypted.length * 8)) : value;
  return signed.toString();
}

function checkPolicyDates(policy: XmlElement | undefined, dates: { now: Date; acceptExpired: boolean }): string[] {
  const reasons: string[] = [];
  const now = dates.now.getTime();
  const start = readDate(policy, "StartDate", reasons);
  const expiry = readDate(policy, "ExpiryDate", reasons);
  if (start && start.getTime() > now) reasons.push(`The key is not valid until ${formatDate(start)} (Policy StartDate).`);
  if (expiry && expiry.getTime() <= now && !dates.acceptExpired) {
    reasons.push(`The key expired on ${formatDate(expiry)} (Policy ExpiryDate). If the token still works, upload again with "Import expired keys" (tokens:import --accept-expired).`);
  }
  return reasons;
}

function readDate(policy: XmlElement | undefined, local: string, reasons: string[]): Date | null {
  const text = textOf(childNamed(policy, local));
  if (text === "") return null;
  // xs:dateTime; a value without a zone is read as UTC rather than the server's local time.
  const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  const date = match ? new Date(match[1] ? text : `${text}Z`) : null;
  if (!date || Number.isNaN(date.getTime())) {
    reasons.push(`The Policy ${local} "${text}" is not a valid date and time.`);
    return null;
  }
  return date;
}

function formatDate(date: Date): string {
  return date.toISOString().replace(/T00:00:00\.000Z$/, "").replace(/\.000Z$/, "Z");
}

function textOf(element: XmlElement | undefined): string {
  return element?.text.trim() ?? "";
}
