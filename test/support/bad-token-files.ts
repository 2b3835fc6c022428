import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

// The bad input corpus for token uploads (issue 7; S1, S2, S3, S5, S6): every file a careless
// export, a wrong setting or an attacker can produce, with the part of the message that tells the
// admin what is wrong. test/integration/bad-token-files.test.ts feeds each one to the import
// service on SQLite and PostgreSQL; test/e2e/bad-input.spec.ts sends them through the real
// upload route. Big files are generated on the fly and streamed, never committed.

const fixtures = path.join(__dirname, "..", "fixtures");
const fixture = (relativePath: string) => fs.readFileSync(path.join(fixtures, relativePath));
const keys = JSON.parse(fixture("pskc/keys.json").toString("utf8")) as Record<string, { preSharedKeyHex?: string; passphrase?: string }>;

export const ENTRA_HEADER = "upn,serial number,secret key,time interval,manufacturer,model";

/** How the upload ends: refused before it is stored, failed as a whole file, or completed with every row refused. */
export type BadFileOutcome =
  | { kind: "refusedAtUpload"; status: 400 | 413; message: RegExp }
  | { kind: "fileFailed"; message: RegExp }
  | { kind: "everyRowFailed"; rows: number; reason: RegExp };

export type BadTokenFile = {
  name: string;
  fileName: string;
  /** A fresh stream of the file's bytes each call (big files are generated while read). */
  body: () => AsyncGenerator<Buffer>;
  preSharedKeyHex?: string;
  passphrase?: string;
  outcome: BadFileOutcome;
  /** Large enough to make the upload route run it as a background job. */
  large?: boolean;
};

async function* once(bytes: Buffer | string): AsyncGenerator<Buffer> {
  yield Buffer.from(bytes);
}

/** Deterministic "random" bytes (SHA-256 in counter mode), so the case never changes between runs. */
async function* pseudoRandomBytes(total: number): AsyncGenerator<Buffer> {
  for (let counter = 0, sent = 0; sent < total; counter++) {
    const block = crypto.createHash("sha256").update(`bad-input-corpus:${counter}`).digest();
    const piece = block.subarray(0, Math.min(block.length, total - sent));
    sent += piece.length;
    yield piece;
  }
}

/** A well-formed Entra CSV of about `totalBytes`, made 1 MB at a time while it is read. */
async function* bigEntraCsv(totalBytes: number): AsyncGenerator<Buffer> {
  yield Buffer.from(`${ENTRA_HEADER}\n`);
  let sent = 0;
  let row = 0;
  while (sent < totalBytes) {
    const lines: string[] = [];
    for (let i = 0; i < 16_000; i++, row++) lines.push(`,BIG-${String(row).padStart(8, "0")},GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200`);
    const chunk = Buffer.from(`${lines.join("\n")}\n`);
    sent += chunk.length;
    yield chunk;
  }
}

/** Unique serials, so a row fails for the reason under test and not as "already in the inventory". */
function serial(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString("hex").toUpperCase()}`;
}

/** totp-plain.xml with fresh serials and an edit applied. */
function plainPskcWith(edit: (xml: string) => string): Buffer {
  const xml = fixture("pskc/totp-plain.xml").toString("utf8").replace(/(FT|TK)[0-9]{8}/g, (match) => `${serial("PSKC")}${match.slice(-2)}`);
  return Buffer.from(edit(xml));
}

const psk = keys["totp-psk-aes128.xml"]?.preSharedKeyHex;

const EXTERNAL_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE KeyContainer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"><KeyPackage><DeviceInfo><SerialNo>&xxe;</SerialNo></DeviceInfo></KeyPackage></KeyContainer>`;

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 ${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`).join("\n ")}
]>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"><KeyPackage><DeviceInfo><SerialNo>&lol9;</SerialNo></DeviceInfo></KeyPackage></KeyContainer>`;

export function badTokenFiles(): BadTokenFile[] {
  const formulaRows = [
    `,=HYPERLINK("http://evil.example"),GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200`,
    `,+${serial("F")},GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200`,
    `,-2+3,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200`,
    `,@SUM(A1),GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200`,
    `,${serial("F")},=cmd|' /C calc'!A0,30,Feitian,c200`,
  ];
  const tenThousandColumns = [...ENTRA_HEADER.split(","), ...Array.from({ length: 9_994 }, (_, i) => `x${i}`)].join(",");
  return [
    // ── CSV ────────────────────────────────────────────────────────────────────────────────
    { name: "CSV: random bytes", fileName: "random.csv", body: () => pseudoRandomBytes(64 * 1024), outcome: { kind: "fileFailed", message: /not a text CSV file|not valid UTF-8|UTF-16/ } },
    {
      name: "CSV: a 1 MB single line",
      fileName: "one-line.csv",
      body: () => once("A".repeat(1024 * 1024)),
      large: true,
      outcome: { kind: "fileFailed", message: /line 1 is longer than 65536 characters/ },
    },
    {
      name: "CSV: 10,000 columns",
      fileName: "wide.csv",
      body: () => once(`${tenThousandColumns}\n,${serial("WIDE")},GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200\n`),
      outcome: { kind: "fileFailed", message: /10000 columns.*at most \d+/ },
    },
    {
      name: "CSV: UTF-16",
      fileName: "unicode.csv",
      body: () => once(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixture("csv/entra-format.csv").toString("utf8"), "utf16le")])),
      outcome: { kind: "fileFailed", message: /UTF-16.*save it as UTF-8/ },
    },
    {
      name: "CSV: semicolons",
      fileName: "semicolons.csv",
      body: () => once(`${ENTRA_HEADER.replaceAll(",", ";")}\n;${serial("SEMI")};GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ;30;Feitian;c200\n`),
      outcome: { kind: "fileFailed", message: /semicolon-separated; save it as comma-separated CSV/ },
    },
    {
      name: "CSV: formula cells",
      fileName: "formulas.csv",
      body: () => once([ENTRA_HEADER, ...formulaRows].join("\n")),
      outcome: { kind: "everyRowFailed", rows: formulaRows.length, reason: /formula|Base32/ },
    },
    {
      name: "CSV: missing header",
      fileName: "no-header.csv",
      body: () => once(`,${serial("NOHEAD")},GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200\n`),
      outcome: { kind: "fileFailed", message: /header is missing the columns.*The first line must be: upn,serial number/ },
    },
    {
      name: "CSV: duplicate headers",
      fileName: "duplicate-header.csv",
      body: () => once(`${ENTRA_HEADER},Serial Number\n,${serial("DUP")},GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200,x\n`),
      outcome: { kind: "fileFailed", message: /names "serial number" more than once/ },
    },
    {
      name: "CSV: a 50 MB file",
      fileName: "fifty-megabytes.csv",
      body: () => bigEntraCsv(50 * 1024 * 1024),
      large: true,
      outcome: { kind: "refusedAtUpload", status: 413, message: /larger than 32 MB.*split it into smaller files/ },
    },
    // ── PSKC ───────────────────────────────────────────────────────────────────────────────
    { name: "PSKC: DOCTYPE with an external entity", fileName: "xxe.xml", body: () => once(EXTERNAL_ENTITY), outcome: { kind: "fileFailed", message: /DOCTYPE or ENTITY declaration and is refused/ } },
    { name: "PSKC: billion laughs", fileName: "lolz.xml", body: () => once(BILLION_LAUGHS), outcome: { kind: "fileFailed", message: /DOCTYPE or ENTITY declaration and is refused/ } },
    {
      name: "PSKC: wrong MAC",
      fileName: "bad-mac.xml",
      body: () => once(fixture("pskc/totp-psk-aes128-bad-mac.xml")),
      preSharedKeyHex: psk,
      outcome: { kind: "fileFailed", message: /MAC does not match/ },
    },
    {
      name: "PSKC: wrong pre-shared key",
      fileName: "wrong-key.xml",
      body: () => once(fixture("pskc/totp-psk-aes128.xml")),
      preSharedKeyHex: "ffeeddccbbaa99887766554433221100",
      outcome: { kind: "fileFailed", message: /MAC does not match/ },
    },
    {
      name: "PSKC: wrong passphrase",
      fileName: "wrong-passphrase.xml",
      body: () => once(fixture("pskc/totp-pbkdf2.xml")),
      passphrase: "not the passphrase",
      outcome: { kind: "fileFailed", message: /MAC does not match/ },
    },
    { name: "PSKC: not XML", fileName: "not-xml.xml", body: () => once("This is a note about tokens, not an XML file.\n"), outcome: { kind: "fileFailed", message: /not well-formed XML/ } },
    {
      name: "PSKC: truncated XML",
      fileName: "truncated.xml",
      body: () => {
        const whole = plainPskcWith((xml) => xml);
        return once(whole.subarray(0, Math.floor(whole.length / 2)));
      },
      outcome: { kind: "fileFailed", message: /looks truncated/ },
    },
    {
      name: "PSKC: unknown algorithm",
      fileName: "unknown-algorithm.xml",
      body: () => once(plainPskcWith((xml) => xml.replaceAll("urn:ietf:params:xml:ns:keyprov:pskc:totp", "urn:example:vendor:ocra"))),
      outcome: { kind: "everyRowFailed", rows: 4, reason: /Unknown algorithm "urn:example:vendor:ocra"; only TOTP keys/ },
    },
    {
      name: "PSKC: wrong version",
      fileName: "version-2.xml",
      body: () => once(plainPskcWith((xml) => xml.replace('Version="1.0"', 'Version="2.0"'))),
      outcome: { kind: "fileFailed", message: /Version is "2.0"; only version 1.0/ },
    },
  ];
}

/** Every cell of a CSV text (RFC 4180 quoting), to check none would run as a spreadsheet formula (S6). */
export function csvCells(text: string): string[] {
  const cells: string[] = [];
  for (const match of text.matchAll(/("(?:[^"]|"")*"|[^,\r\n]*)(,|\r?\n|$)/g)) {
    if (match[0] === "") break;
    const raw = match[1] ?? "";
    cells.push(raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw);
  }
  return cells;
}
