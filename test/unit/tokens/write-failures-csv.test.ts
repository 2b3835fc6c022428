import { describe, expect, it } from "vitest";
import { parseTokenCsv } from "../../../lib/tokens/csv/parse-token-csv";
import { csvCell } from "../../../lib/shared/csv-cell";
import { failuresFileName, writeFailuresCsv } from "../../../lib/tokens/csv/write-failures-csv";
import type { RowFailure } from "../../../lib/tokens/token-file-row";
import { collect, failuresOf, tokenBySerial } from "./helpers";

const columns = ["upn", "serial number", "secret key", "time interval", "manufacturer", "model"];

function failure(original: Record<string, string>, reason: string): RowFailure {
  return { line: 2, serialNumber: original["serial number"] ?? "", reason, original };
}

describe("writeFailuresCsv", () => {
  it("writes the original columns plus reason, CRLF, RFC 4180 quoting", () => {
    const out = writeFailuresCsv({
      columns,
      failures: [
        failure(
          { upn: "", "serial number": "S1", "secret key": "JBSWY3DPEHPK3PXP", "time interval": "30", manufacturer: "Feitian, Inc.", model: 'c200 "mini"' },
          "The secret key is shorter than 128 bits (16 bytes): it decodes to 10 bytes.",
        ),
        failure({ "serial number": "S2", model: "two\nlines" }, "The model contains control characters."),
      ],
    });
    expect(out).toBe(
      "upn,serial number,secret key,time interval,manufacturer,model,reason\r\n" +
        ',S1,JBSWY3DPEHPK3PXP,30,"Feitian, Inc.","c200 ""mini""",The secret key is shorter than 128 bits (16 bytes): it decodes to 10 bytes.\r\n' +
        ',S2,,,,"two\nlines",The model contains control characters.\r\n',
    );
  });

  it("neutralises cells that a spreadsheet would run as formulas (S6)", () => {
    const out = writeFailuresCsv({
      columns: ["=cmd", "serial number", "model"],
      failures: [failure({ "=cmd": '=HYPERLINK("http://evil.example","x")', "serial number": "+SUM(1)", model: "@A1" }, "-bad")],
    });
    expect(out.split("\r\n")).toEqual([
      "'=cmd,serial number,model,reason",
      `"'=HYPERLINK(""http://evil.example"",""x"")",'+SUM(1),'@A1,'-bad`,
      "",
    ]);
  });

  it.each([
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", `"'\r=1"`],
    ["  =1", "'  =1"],
    ["＝1", "'＝1"],
    ["FT10000001", "FT10000001"],
    ["a=b", "a=b"],
    ["", ""],
  ])("csvCell(%j) is %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it("replaces an existing reason column when a failures file is uploaded again", () => {
    const out = writeFailuresCsv({
      columns: ["serial number", "Reason"],
      failures: [failure({ "serial number": "S1", Reason: "old" }, "new")],
    });
    expect(out).toBe("serial number,reason\r\nS1,new\r\n");
  });

  it("round-trips: a failures file parses back to the same rows and reasons", async () => {
    const ft1 = tokenBySerial("FT10000001");
    const upload = `${columns.join(",")}\r\n,"Serial, with comma",${ft1.secretBase32},45,Feitian,c200\r\n`;
    let header: string[] = [];
    const first = failuresOf(await collect(parseTokenCsv({ input: upload, onHeader: (names) => (header = names) })));
    const again = failuresOf(await collect(parseTokenCsv({ input: writeFailuresCsv({ columns: header, failures: first }) })));
    expect(again.map((entry) => [entry.serialNumber, entry.reason])).toEqual([
      ["Serial, with comma", 'The time interval must be 30 or 60 seconds, not "45".'],
    ]);
    expect(again[0]?.original).toEqual({ ...first[0]?.original, reason: first[0]?.reason });
  });
});

describe("failuresFileName", () => {
  it.each([
    ["tokens.csv", "Failures_tokens.csv"],
    ["seeds.xml", "Failures_seeds.csv"],
    ["C:\\Users\\admin\\Desktop\\Feitian batch 7.csv", "Failures_Feitian batch 7.csv"],
    ["/home/admin/uploads/tokens.2024.csv", "Failures_tokens.2024.csv"],
    ["../../etc/passwd", "Failures_passwd.csv"],
    ['evil"\r\nSet-Cookie: x.csv', "Failures_evil_Set-Cookie_ x.csv"],
    ["résumé tokens.csv", "Failures_r_sum_ tokens.csv"],
    ["", "Failures_upload.csv"],
    [".csv", "Failures_upload.csv"],
  ])("%j → %j", (original, expected) => {
    expect(failuresFileName(original)).toBe(expected);
  });

  it("keeps names to a sane length", () => {
    expect(failuresFileName(`${"a".repeat(500)}.csv`)).toBe(`Failures_${"a".repeat(100)}.csv`);
  });
});
