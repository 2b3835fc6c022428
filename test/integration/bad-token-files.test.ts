import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { runTokenImport } from "../../lib/tokens/import/run-token-import";
import { storeTokenUpload } from "../../lib/tokens/import/store-token-upload";
import { getTokenImport, tokenImportFailuresCsv } from "../../lib/tokens/import/token-import-results";
import { TokenFileError } from "../../lib/tokens/token-file-row";
import { badTokenFiles, csvCells } from "../support/bad-token-files";

// The bad input corpus (issue 7) through the import service, as the upload route and the CLI use
// it, on SQLite and PostgreSQL: each file ends with a message that says what is wrong and what to
// do, nothing throws past the service, and the inventory and directory are exactly as before.
// The HTTP side (status codes of the real upload route) is test/e2e/bad-input.spec.ts.

const db = getDb();

/** What a bad file must not touch: every token (with holder and state), user and method. */
async function inventoryFingerprint(): Promise<string> {
  const [tokens, users, apps] = await Promise.all([
    db.hardwareToken.findMany({ select: { serialNumber: true, status: true, userId: true, lastUsedStep: true }, orderBy: { serialNumber: "asc" } }),
    db.user.findMany({ select: { id: true, upn: true }, orderBy: { id: "asc" } }),
    db.authenticatorApp.count(),
  ]);
  return crypto.createHash("sha256").update(JSON.stringify({ tokens, users, apps })).digest("hex");
}

describe("bad input corpus: token files through the import service", () => {
  it.each(badTokenFiles().map((file) => [file.name, file] as const))("%s", async (_name, file) => {
    const before = await inventoryFingerprint();
    const uploadsBefore = await db.tokenImport.count();
    const upload = storeTokenUpload({
      db,
      fileName: file.fileName,
      body: file.body(),
      keyMaterial: { preSharedKeyHex: file.preSharedKeyHex, passphrase: file.passphrase },
      actor: systemActor,
    });

    if (file.outcome.kind === "refusedAtUpload") {
      const error = await upload.then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(TokenFileError);
      expect((error as Error).message).toMatch(file.outcome.message);
      // Refused while streaming: not even the upload record (or its stored chunks) stays.
      expect(await db.tokenImport.count()).toBe(uploadsBefore);
      expect(await db.tokenImportChunk.count()).toBe(0);
    } else {
      const { importId } = await upload;
      const outcome = await runTokenImport({ db, importId });
      const result = (await getTokenImport({ db, importId }))!;
      if (file.outcome.kind === "fileFailed") {
        expect(outcome).toBe("failed");
        expect(result.status).toBe("failed");
        expect(result.errorMessage).toMatch(file.outcome.message);
        expect(result.importedCount).toBe(0);
      } else {
        expect(outcome).toBe("completed");
        expect(result).toMatchObject({ status: "completed", importedCount: 0, alreadyPresentCount: 0, failedCount: file.outcome.rows });
        for (const failure of result.failures) expect(failure.reason).toMatch(file.outcome.reason);
        // S6: the failures file opens in a spreadsheet without running any uploaded cell.
        const failures = await tokenImportFailuresCsv({ db, importId });
        const formulaLike = csvCells(failures!.csv).filter((cell) => /^\s*[=+\-@]/.test(cell));
        expect(formulaLike).toEqual([]);
      }
      // The stored (encrypted) copy of the file is gone once the import has ended.
      expect(await db.tokenImportChunk.count({ where: { importId } })).toBe(0);
    }
    expect(await inventoryFingerprint()).toBe(before);
  }, 120_000);
});
