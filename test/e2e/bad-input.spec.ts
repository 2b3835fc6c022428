import { expect, test } from "@playwright/test";
import { badTokenFiles, type BadTokenFile } from "../support/bad-token-files";
import { databaseFingerprint } from "./database-fingerprint";
import { signInAs } from "./sign-in-as";

// The bad input corpus (test/support/bad-token-files.ts) through the real upload route of the
// production server, POST /api/token-imports, streamed the way the upload page sends a file:
// each file gets its message (413 for the 50 MB one, before it is stored; a failed or all-rows-
// failed result otherwise), never a 500, and no token, user or method changes. The same files
// go through the import service on SQLite and PostgreSQL in test/integration/bad-token-files.test.ts.

/** The upload's own records: a refused file leaves its (failed) result behind, on purpose. */
const UPLOAD_RESULTS = ["TokenImport", "TokenImportFailure"];

function withoutUploadResults(fingerprint: Record<string, string>) {
  return Object.fromEntries(Object.entries(fingerprint).filter(([table]) => !UPLOAD_RESULTS.includes(table)));
}

/** The file as a request body stream, so even the 50 MB one is never held whole. */
function streamOf(file: BadTokenFile): ReadableStream<Uint8Array> {
  const chunks = file.body();
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(new Uint8Array(next.value));
    },
  });
}

type UploadSummary = { status: string; errorMessage: string | null; importedCount: number; alreadyPresentCount: number; failedCount: number };

test("every file of the bad input corpus gets a clear answer from the upload route, never a 500, and changes no token, user or method", async ({ page }) => {
  test.setTimeout(10 * 60_000);
  await signInAs(page, "Authentication Policy Administrator");
  const baseURL = String(test.info().project.use.baseURL);
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const headers = { Cookie: cookie, Origin: baseURL };
  const before = withoutUploadResults(await databaseFingerprint());
  const problems: string[] = [];

  for (const file of badTokenFiles()) {
    const keyHeaders: Record<string, string> = {};
    if (file.preSharedKeyHex) keyHeaders["X-Pskc-Key"] = file.preSharedKeyHex;
    if (file.passphrase) keyHeaders["X-Pskc-Passphrase"] = file.passphrase;
    const response = await fetch(`${baseURL}/api/token-imports?fileName=${encodeURIComponent(file.fileName)}`, {
      method: "POST",
      headers: { ...headers, ...keyHeaders, "Content-Type": "application/octet-stream" },
      body: streamOf(file),
      duplex: "half",
    } as RequestInit);
    const answer = (await response.json()) as { importId?: string; error?: string };
    const outcome = file.outcome;
    if (outcome.kind === "refusedAtUpload") {
      if (response.status !== outcome.status || !outcome.message.test(answer.error ?? "")) problems.push(`${file.name}: ${response.status} ${JSON.stringify(answer)}`);
      continue;
    }
    // Small files are imported before the answer (201); big ones become a job (202) to follow.
    const expectedStatus = file.large ? 202 : 201;
    if (response.status !== expectedStatus || !answer.importId) {
      problems.push(`${file.name}: ${response.status} ${JSON.stringify(answer)}, expected ${expectedStatus}`);
      continue;
    }
    let summary: UploadSummary | null = null;
    await expect
      .poll(async () => {
        const progress = await page.request.get(`/api/token-imports/${answer.importId}`);
        expect(progress.status()).toBe(200);
        summary = (await progress.json()) as UploadSummary;
        return summary.status;
      }, { timeout: 60_000 })
      .toMatch(/^(failed|completed)$/);
    const result = summary as unknown as UploadSummary;
    if (outcome.kind === "fileFailed" && !(result.status === "failed" && outcome.message.test(result.errorMessage ?? "") && result.importedCount === 0)) {
      problems.push(`${file.name}: ${JSON.stringify(result)}`);
    }
    if (outcome.kind === "everyRowFailed" && !(result.status === "completed" && result.importedCount === 0 && result.failedCount === outcome.rows)) {
      problems.push(`${file.name}: ${JSON.stringify(result)}`);
    }
  }

  expect(problems).toEqual([]);
  expect(withoutUploadResults(await databaseFingerprint())).toEqual(before);
});
