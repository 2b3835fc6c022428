import { describe, expect, it } from "vitest";
import { EXPECTED_HEADER, MAX_COLUMNS, parseTokenCsv } from "../../../lib/tokens/csv/parse-token-csv";
import { TokenFileError, type ParsedRow } from "../../../lib/tokens/token-file-row";
import { HEX_SECRET_HINT, HOTP_NOT_SUPPORTED } from "../../../lib/tokens/validate-seed-row";
import { caught, collect, failuresOf, fixture, inChunks, onlyFailure, onlyRow, rowsOf, tokenBySerial } from "./helpers";

const HEADER = "upn,serial number,secret key,time interval,manufacturer,model";
const FT1 = tokenBySerial("FT10000001");
const TK3 = tokenBySerial("TK20000003");

function parse(input: Parameters<typeof parseTokenCsv>[0]["input"], maxRows?: number): Promise<ParsedRow[]> {
  return collect(parseTokenCsv({ input, maxRows }));
}

/** A file with the Entra header and the given data lines (LF). */
function csv(...lines: string[]): string {
  return [HEADER, ...lines].join("\n") + "\n";
}

const entraFile = fixture("csv/entra-format.csv");

describe("parseTokenCsv: Entra's own format (fixture)", () => {
  it("reads every row of entra-format.csv with line numbers, secrets, UPNs and original columns", async () => {
    const parsed = await parse(entraFile);
    expect(failuresOf(parsed)).toEqual([]);
    const rows = rowsOf(parsed);
    expect(rows.map((row) => [row.line, row.serialNumber, row.upn, row.period, row.digits, row.algorithm, row.t0])).toEqual([
      [2, "FT10000001", "alice@contoso.example", 30, 6, "SHA1", 0],
      [3, "FT10000002", null, 60, 6, "SHA1", 0],
      [4, "TK20000004", "bob@contoso.example", 30, 6, "SHA1", 0],
    ]);
    for (const row of rows) {
      const token = tokenBySerial(row.serialNumber);
      expect(row.secret.toString("hex")).toBe(token.secretHex);
      expect([row.manufacturer, row.model]).toEqual([token.manufacturer, token.model]);
    }
    // The secret with spaces is kept as uploaded, for the failures CSV.
    expect(rows[2]?.original).toEqual({
      upn: "bob@contoso.example",
      "serial number": "TK20000004",
      "secret key": "WZWK VLJL GIIW MBUA R4KK HWDM J4PE R7Q7",
      "time interval": "30",
      manufacturer: "Token2",
      model: "C302",
    });
  });

  it.each([1, 2, 3, 7, 64])("gives the same rows when the file arrives in %i-byte chunks", async (size) => {
    const whole = await parse(entraFile);
    expect(await parse(inChunks(entraFile, size))).toEqual(whole);
  });

  it("reads LF line ends like CRLF ones", async () => {
    const lf = Buffer.from(entraFile.toString("utf8").replace(/\r\n/g, "\n"));
    expect(await parse(lf)).toEqual(await parse(entraFile));
  });

  it("strips a UTF-8 byte order mark, even when it arrives one byte at a time", async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), entraFile]);
    expect(rowsOf(await parse(inChunks(withBom, 1))).map((row) => row.serialNumber)).toEqual(["FT10000001", "FT10000002", "TK20000004"]);
    expect(rowsOf(await parse(`\uFEFF${csv(`,FT10000001,${FT1.secretBase32},30,Feitian,c200`)}`))[0]?.serialNumber).toBe("FT10000001");
  });

  it("accepts string chunks and multi-byte UTF-8 split across chunks", async () => {
    const text = csv(`,FT10000001,${FT1.secretBase32},30,Feitian Technologies™,c200`);
    const row = onlyRow(await parse(inChunks(Buffer.from(text), 1)));
    expect(row.manufacturer).toBe("Feitian Technologies™");
    async function* strings() {
      yield text.slice(0, 10);
      yield text.slice(10);
    }
    expect(onlyRow(await parse(strings())).manufacturer).toBe("Feitian Technologies™");
  });

  it("streams: the first row comes out before the whole input has been read", async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `,SERIAL${i},${FT1.secretBase32},30,Feitian,c200`);
    const bytes = Buffer.from(csv(...lines));
    let chunksRead = 0;
    async function* counted() {
      for await (const chunk of inChunks(bytes, 100)) {
        chunksRead += 1;
        yield chunk;
      }
    }
    const iterator = parseTokenCsv({ input: counted() })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ ok: true, row: { serialNumber: "SERIAL0" } });
    expect(chunksRead).toBeLessThan(5);
    await iterator.return?.(undefined);
  });
});

describe("parseTokenCsv: CSV syntax", () => {
  it("handles quoted commas, doubled quotes and line breaks inside quotes, counting physical lines", async () => {
    const parsed = await parse(
      csv(
        `,S1,${FT1.secretBase32},30,"Feitian, Inc.","c200 ""mini"""`,
        `,S2,${FT1.secretBase32},60,Feitian,"two`,
        `lines"`,
        `"",S3,"${FT1.secretBase32}",30,Token2,C302`,
      ),
    );
    expect(parsed).toHaveLength(3);
    expect(parsed[0]).toMatchObject({ ok: true, row: { line: 2, manufacturer: "Feitian, Inc.", model: 'c200 "mini"' } });
    expect(parsed[1]).toMatchObject({
      ok: false,
      failure: { line: 3, serialNumber: "S2", reason: "The model contains control characters.", original: { model: "two\nlines" } },
    });
    expect(parsed[2]).toMatchObject({ ok: true, row: { line: 5, serialNumber: "S3", upn: null } });
  });

  it("skips blank lines and empty ',,,,,' rows but keeps counting lines", async () => {
    const parsed = await parse(`\r\n${HEADER}\r\n\r\n,,,,,\r\n,S1,${FT1.secretBase32},30,Feitian,c200`);
    expect(onlyRow(parsed)).toMatchObject({ line: 5, serialNumber: "S1" });
  });

  it("refuses a quote that is never closed, naming the line", async () => {
    const error = await caught(() => parse(csv(`,S1,${FT1.secretBase32},30,"Feitian,c200`, `,S2,x,30,a,b`)));
    expect(error).toBeInstanceOf(TokenFileError);
    expect(error.code).toBe("unclosed-quote");
    expect(error.message).toContain("line 2");
  });

  it("refuses a runaway row instead of buffering it", async () => {
    const error = await caught(() => parse(csv(`,S1,"${"A".repeat(70_000)}`)));
    expect(error.code).toBe("row-too-long");
    expect(error.message).toContain("line 2");
  });

  it("reports a row with fewer values than the header", async () => {
    const failure = onlyFailure(await parse(csv(`,S1,${FT1.secretBase32},30`)));
    expect(failure.reason).toBe("The row has 4 values but the header has 6 columns; a value with a comma must be quoted.");
  });

  it("reports a row with extra non-empty values (an unquoted comma) but tolerates trailing empty ones", async () => {
    expect(onlyFailure(await parse(csv(`,S1,${FT1.secretBase32},30,Feitian, Inc.,c200`))).reason).toContain(
      "The row has 7 values but the header has 6 columns",
    );
    expect(onlyRow(await parse(csv(`,S1,${FT1.secretBase32},30,Feitian,c200,,`))).serialNumber).toBe("S1");
  });
});

describe("parseTokenCsv: header", () => {
  it("matches columns in any order, any case, trimmed, ignoring unknown ones like Enabled", async () => {
    let columns: string[] = [];
    const parsed = await collect(
      parseTokenCsv({
        input: ` Model ,Secret Key,SERIAL NUMBER,Time Interval,Manufacturer,UPN,Enabled\n c200,${FT1.secretBase32},FT10000001,30,Feitian,Alice@Contoso.Example,true\n`,
        onHeader: (names) => (columns = names),
      }),
    );
    expect(columns).toEqual(["Model", "Secret Key", "SERIAL NUMBER", "Time Interval", "Manufacturer", "UPN", "Enabled"]);
    const row = onlyRow(parsed);
    expect(row).toMatchObject({ serialNumber: "FT10000001", upn: "alice@contoso.example", model: "c200", manufacturer: "Feitian" });
    expect(row.secret.toString("hex")).toBe(FT1.secretHex);
    expect(row.original.Enabled).toBe("true");
  });

  it("refuses a header without required columns, naming them and showing the expected header", async () => {
    const error = await caught(() => parse("upn,serial number,manufacturer,model\n,S1,Feitian,c200\n"));
    expect(error).toBeInstanceOf(TokenFileError);
    expect(error.code).toBe("missing-columns");
    expect(error.message).toBe(
      `The header is missing the columns "secret key", "time interval". The first line must be: ${EXPECTED_HEADER} (any order, extra columns are ignored).`,
    );
  });

  it("refuses a data line where the header should be", async () => {
    const error = await caught(() => parse(`,FT10000001,${FT1.secretBase32},30,Feitian,c200\n`));
    expect(error.code).toBe("missing-columns");
    expect(error.message).toContain(EXPECTED_HEADER);
  });

  it("hints at semicolon-separated files (Excel in many locales)", async () => {
    const error = await caught(() => parse(`upn;serial number;secret key;time interval;manufacturer;model\n;S1;${FT1.secretBase32};30;Feitian;c200\n`));
    expect(error.code).toBe("not-csv");
    expect(error.message).toMatch(/the file looks semicolon-separated; save it as comma-separated CSV/i);
  });

  it("refuses duplicate column names", async () => {
    const error = await caught(() => parse(`${HEADER},Serial Number\n`));
    expect(error.code).toBe("duplicate-columns");
    expect(error.message).toBe('The header names "serial number" more than once; each column may appear only once.');
  });

  it("refuses a header wider than MAX_COLUMNS, saying how many it has", async () => {
    const wide = [HEADER, ...Array.from({ length: MAX_COLUMNS - 6 }, (_, i) => `x${i}`)].join(",");
    expect(await parse(`${wide}\n`)).toEqual([]);
    const error = await caught(() => parse(`${wide},one too many\n`));
    expect(error.code).toBe("too-many-columns");
    expect(error.message).toContain(`The header has ${MAX_COLUMNS + 1} columns`);
  });

  it("says a long row without quotes is not a token CSV, and one inside quotes lacks its closing quote", async () => {
    expect((await caught(() => parse("A".repeat(70_000)))).message).toContain("this is not a token CSV file");
    expect((await caught(() => parse(csv(`,S1,"${"A".repeat(70_000)}`)))).message).toContain('a closing quote (") is probably missing');
  });

  it("refuses an empty file, showing the expected header", async () => {
    for (const input of ["", "\r\n\r\n", Buffer.alloc(0)]) {
      const error = await caught(() => parse(input));
      expect(error.code).toBe("empty");
      expect(error.message).toContain(EXPECTED_HEADER);
    }
  });

  it("accepts a header with no rows (nothing to import)", async () => {
    expect(await parse(`${HEADER}\r\n`)).toEqual([]);
  });
});

describe("parseTokenCsv: encodings", () => {
  const text = csv(`,S1,${FT1.secretBase32},30,Feitian,c200`);

  it("refuses UTF-16 with a byte order mark (LE and BE)", async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(le.subarray(0)).swap16();
    for (const input of [le, be]) {
      const error = await caught(() => parse(inChunks(input, 1)));
      expect(error.code).toBe("encoding");
      expect(error.message).toContain("save it as UTF-8");
    }
  });

  it("refuses UTF-16 without a byte order mark (NUL bytes everywhere)", async () => {
    const error = await caught(() => parse(Buffer.from(text, "utf16le")));
    expect(error.code).toBe("encoding");
    expect(error.message).toContain("save it as UTF-8");
  });

  it("refuses text that is not UTF-8 (Windows-1252 é)", async () => {
    const latin1 = Buffer.from(csv(`,S1,${FT1.secretBase32},30,Société,c200`), "latin1");
    const error = await caught(() => parse(latin1));
    expect(error.code).toBe("encoding");
    expect(error.message).toContain("not valid UTF-8");
  });
});

describe("parseTokenCsv: row rules", () => {
  async function reasonFor(line: string): Promise<string> {
    return onlyFailure(await parse(csv(line))).reason;
  }

  it("keeps the original columns and line on a failure", async () => {
    const failure = onlyFailure(await parse(csv(`bob@contoso.example,TK1,${FT1.secretBase32},45,Token2,C302`)));
    expect(failure).toEqual({
      line: 2,
      serialNumber: "TK1",
      reason: 'The time interval must be 30 or 60 seconds, not "45".',
      upn: "bob@contoso.example",
      original: {
        upn: "bob@contoso.example",
        "serial number": "TK1",
        "secret key": FT1.secretBase32,
        "time interval": "45",
        manufacturer: "Token2",
        model: "C302",
      },
    });
  });

  it("requires a serial number, at most 64 printable characters", async () => {
    expect(await reasonFor(`,,${FT1.secretBase32},30,Feitian,c200`)).toBe("The serial number is missing.");
    expect(await reasonFor(`,   ,${FT1.secretBase32},30,Feitian,c200`)).toBe("The serial number is missing.");
    expect(await reasonFor(`,${"S".repeat(65)},${FT1.secretBase32},30,Feitian,c200`)).toBe(
      "The serial number is longer than 64 characters.",
    );
    expect(await reasonFor(`,SN\u0007BELL,${FT1.secretBase32},30,Feitian,c200`)).toBe(
      "The serial number contains characters that are not printable ASCII (letters, digits, punctuation).",
    );
    expect(onlyRow(await parse(csv(`,  ${"S".repeat(64)}  ,${FT1.secretBase32},30,Feitian,c200`))).serialNumber).toBe("S".repeat(64));
  });

  it("refuses a serial number that a spreadsheet would run as a formula (S6)", async () => {
    for (const first of ["=", "+", "-", "@"]) {
      expect(await reasonFor(`,${first}SUM(A1),${FT1.secretBase32},30,Feitian,c200`)).toBe(
        `The serial number starts with "${first}", which spreadsheets run as a formula; use the serial printed on the token.`,
      );
    }
    expect(onlyRow(await parse(csv(`,FT-1=2+3,${FT1.secretBase32},30,Feitian,c200`))).serialNumber).toBe("FT-1=2+3");
  });

  it("normalises Base32 secrets: case, spaces and = padding", async () => {
    const padded = `${TK3.secretBase32.toLowerCase().replace(/(.{4})/g, "$1 ")}====`;
    const row = onlyRow(await parse(csv(`,TK20000003,${padded},30,Token2,C302`)));
    expect(row.secret.toString("hex")).toBe(TK3.secretHex);
  });

  it("explains a hexadecimal secret, whether or not it happens to be valid Base32", async () => {
    expect(await reasonFor(`,FT10000001,${FT1.secretHex},30,Feitian,c200`)).toBe(HEX_SECRET_HINT);
    expect(HEX_SECRET_HINT).toMatch(/^The secret key looks hexadecimal; the portal expects Base32 \(A–Z, 2–7\), e\.g\. JBSWY3DPEHPK3PXP/);
    // Only a-f and 2-7: decodable as Base32, but a 40-character run of hex digits is a hex seed.
    expect(await reasonFor(`,FT1,${"abcdef2345".repeat(4)},30,Feitian,c200`)).toBe(HEX_SECRET_HINT);
    expect(await reasonFor(`,FT1,${FT1.secretHex.toUpperCase()},30,Feitian,c200`)).toBe(HEX_SECRET_HINT);
  });

  it("says a short hex secret is also too short, in the same reason (Entra's own sample row)", async () => {
    const failure = onlyFailure(await parse(csv("Helga@contoso.com,1234567,1234567abcdef1234567abcdef,60,Contoso,HardwareKey")));
    expect(failure.reason).toBe(
      `${HEX_SECRET_HINT} Even read as hexadecimal it is shorter than 128 bits (16 bytes): its 26 hex characters make 13 bytes.`,
    );
    // Carried along so the import can add "no such user" to this same failure.
    expect(failure.upn).toBe("helga@contoso.com");
  });

  it("refuses secrets with characters outside A–Z, 2–7", async () => {
    expect(await reasonFor(`,S1,EH4CQG6OWGP2YTKP2L2QZOK6B5ZA36T!,30,Feitian,c200`)).toBe(
      "The secret key is not valid Base32. Base32 uses only the letters A–Z and the digits 2–7.",
    );
  });

  it("refuses secrets shorter than 128 bits, saying so", async () => {
    expect(await reasonFor(`,S1,JBSWY3DPEHPK3PXP,30,Feitian,c200`)).toBe(
      "The secret key is shorter than 128 bits (16 bytes): it decodes to 10 bytes.",
    );
  });

  it("refuses secrets longer than 128 Base32 characters and impossible Base32 lengths", async () => {
    expect(await reasonFor(`,S1,${"Q".repeat(136)},30,Feitian,c200`)).toBe("The secret key is longer than 128 Base32 characters.");
    expect(await reasonFor(`,S1,${FT1.secretBase32}A,30,Feitian,c200`)).toBe(
      "The secret key has 33 Base32 characters, a length no whole number of bytes encodes to; a character is probably missing or extra.",
    );
  });

  it("refuses a missing secret", async () => {
    expect(await reasonFor(`,S1,,30,Feitian,c200`)).toBe("The secret key is missing.");
  });

  it("accepts only 30 or 60 second time intervals", async () => {
    expect(onlyRow(await parse(csv(`,S1,${FT1.secretBase32}, 60 ,Feitian,c200`))).period).toBe(60);
    expect(await reasonFor(`,S1,${FT1.secretBase32},45,Feitian,c200`)).toBe('The time interval must be 30 or 60 seconds, not "45".');
    expect(await reasonFor(`,S1,${FT1.secretBase32},,Feitian,c200`)).toBe("The time interval is missing; it must be 30 or 60 (seconds).");
  });

  it("lower-cases UPNs and refuses ones that don't look like name@domain", async () => {
    expect(onlyRow(await parse(csv(` Alice@Contoso.Example ,S1,${FT1.secretBase32},30,Feitian,c200`))).upn).toBe("alice@contoso.example");
    expect(await reasonFor(`alice,S1,${FT1.secretBase32},30,Feitian,c200`)).toBe(
      'The UPN "alice" does not look like a user principal name (name@domain, e.g. alice@contoso.example).',
    );
    expect(await reasonFor(`alice@@contoso.example,S1,${FT1.secretBase32},30,Feitian,c200`)).toContain("does not look like a user principal name");
  });

  it("reads the optional hash and digits columns", async () => {
    const file = [
      `${HEADER},hash,digits`,
      `,S1,${TK3.secretBase32},30,Token2,C302,SHA-256,8`,
      `,S2,${FT1.secretBase32},30,Token2,C302,sha512,`,
      `,S3,${FT1.secretBase32},30,Token2,C302,,6`,
      `,S4,${FT1.secretBase32},30,Token2,C302,md5,6`,
      `,S5,${FT1.secretBase32},30,Token2,C302,sha1,7`,
    ].join("\r\n");
    const parsed = await parse(file);
    expect(rowsOf(parsed).map((row) => [row.serialNumber, row.algorithm, row.digits])).toEqual([
      ["S1", "SHA256", 8],
      ["S2", "SHA512", 6],
      ["S3", "SHA1", 6],
    ]);
    expect(failuresOf(parsed).map((failure) => [failure.serialNumber, failure.reason])).toEqual([
      ["S4", 'The hash must be SHA1, SHA256 or SHA512, not "md5".'],
      ["S5", 'The number of digits must be 6 or 8, not "7".'],
    ]);
  });

  it("refuses HOTP rows from a mode or type column, with the HOTP reason", async () => {
    expect(HOTP_NOT_SUPPORTED).toBe("HOTP tokens are not supported; only TOTP (time-based) tokens can be imported.");
    for (const column of ["mode", "Type"]) {
      const parsed = await parse(
        [`${HEADER},${column}`, `,S1,${FT1.secretBase32},30,Feitian,c200,HOTP`, `,S2,${FT1.secretBase32},30,Feitian,c200,totp`].join("\n"),
      );
      expect(parsed[0]).toEqual({ ok: false, failure: expect.objectContaining({ serialNumber: "S1", reason: HOTP_NOT_SUPPORTED }) });
      expect(parsed[1]).toMatchObject({ ok: true, row: { serialNumber: "S2" } });
    }
    const unknown = onlyFailure(await parse([`${HEADER},mode`, `,S1,${FT1.secretBase32},30,Feitian,c200,ocra`].join("\n")));
    expect(unknown.reason).toBe('The token type "ocra" is unknown; only TOTP (time-based) tokens can be imported.');
  });

  it("reports every problem of a row at once", async () => {
    expect(await reasonFor(`nobody,,JBSWY3DPEHPK3PXP,90,Feitian,c200`)).toBe(
      [
        "The serial number is missing.",
        'The UPN "nobody" does not look like a user principal name (name@domain, e.g. alice@contoso.example).',
        "The secret key is shorter than 128 bits (16 bytes): it decodes to 10 bytes.",
        'The time interval must be 30 or 60 seconds, not "90".',
      ].join(" "),
    );
  });

  it("refuses files with more rows than maxRows, saying the limit", async () => {
    const file = csv(...["S1", "S2", "S3"].map((serial) => `,${serial},${FT1.secretBase32},30,Feitian,c200`));
    expect(rowsOf(await parse(file, 3))).toHaveLength(3);
    const seen: ParsedRow[] = [];
    const error = await caught(async () => {
      for await (const row of parseTokenCsv({ input: file, maxRows: 2 })) seen.push(row);
    });
    expect(error.code).toBe("too-many-rows");
    expect(error.message).toBe("The file has more than 2 token rows, the most one upload may hold; split it into smaller files.");
    expect(seen).toHaveLength(2);
  });
});
