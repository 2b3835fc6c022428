import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Every requirement tag a code comment cites — "(C6)", "(A4, W5)" — has its entry in
// docs/security.md, and every test file an entry names as proof exists.
const root = path.resolve(__dirname, "../..");
const doc = fs.readFileSync(path.join(root, "docs/security.md"), "utf8");
const entries = new Map(
  doc.split(/^### /m).slice(1).map((section) => [section.split("\n")[0]!.trim(), section] as const),
);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|tsx|mjs)$/.test(entry.name) ? [relative] : [];
  });
}

/** "(C6)", "(A4, W5)", "(C3, C8)": the families of docs/security.md, cited in parentheses. */
function citedTags(text: string): string[] {
  return [...text.matchAll(/\(((?:[CSARW]\d+)(?:\s*,\s*[CSARW]\d+)*)\)/g)].flatMap((match) => match[1]!.split(/\s*,\s*/));
}

describe("docs/security.md", () => {
  const files = [...["lib", "app", "components"].flatMap(sourceFiles), "proxy.ts"];

  it("has an entry for every requirement tag the code cites", () => {
    const cited = new Map<string, string>();
    for (const file of files) for (const tag of citedTags(fs.readFileSync(path.join(root, file), "utf8"))) cited.set(tag, file);
    expect(cited.size).toBeGreaterThan(20);
    const missing = [...cited].filter(([tag]) => !entries.has(tag)).map(([tag, file]) => `${tag} (cited in ${file})`);
    expect(missing).toEqual([]);
  });

  it("names, for every entry, proof files that exist", () => {
    expect(entries.size).toBeGreaterThanOrEqual(33);
    for (const [tag, text] of entries) {
      const proofs = [...text.matchAll(/`(test\/[^`]+\.(?:ts|tsx))`/g)].map((match) => match[1]!);
      expect(proofs.length, `${tag} names a test`).toBeGreaterThan(0);
      for (const proof of proofs) expect(fs.existsSync(path.join(root, proof)), `${tag}: ${proof}`).toBe(true);
    }
  });

  it("reads the tags the way the code writes them", () => {
    expect(citedTags("replay (C6) and (A4, W5) but not (T0) or RFC 4226 R6")).toEqual(["C6", "A4", "W5"]);
  });
});
