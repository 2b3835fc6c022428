// Two production instances (the portal server on two ports) sharing one PostgreSQL database and one
// AUTH_SECRET, driven over real HTTP from Chromium: what one instance decides, the other honours.
import crypto from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { encodeBase32 } from "../../lib/otp/base32";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser } from "../e2e/helpers";
import { startPortalInstance, type PortalInstance } from "./portal-instance";

let a: PortalInstance;
let b: PortalInstance;

test.beforeAll(async () => {
  [a, b] = await Promise.all([startPortalInstance({ name: "instance A" }), startPortalInstance({ name: "instance B" })]);
});

test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

/** A browser of its own (own cookie jar) that talks to one instance. */
async function pageOn(browser: Browser, instance: PortalInstance): Promise<Page> {
  const context = await browser.newContext({ baseURL: instance.url });
  return context.newPage();
}

test("the same code sent through both instances at once signs in exactly one of six waiting sign-ins", async ({ browser }) => {
  const user = await makeUser();
  const token = await makeActivatedToken(user.id);
  // Six sign-ins of the same user (as an attacker holding the password and a phished code would
  // race the user), three on each instance, each stopped at the code step.
  const pages = await Promise.all([a, b, a, b, a, b].map((instance) => pageOn(browser, instance)));
  for (const page of pages) {
    await enterPassword(page, user.upn, user.password);
    await expect(page.getByRole("button", { name: "Verify", exact: true })).toBeEnabled();
  }
  const code = await freshCode(token);
  for (const page of pages) await page.getByLabel("Code", { exact: true }).fill(code);
  await Promise.all(pages.map((page) => page.getByRole("button", { name: "Verify", exact: true }).click()));

  // Each page ends either on Security info or with the replay message: count both.
  const outcomes = await Promise.all(
    pages.map(async (page) => {
      const signedIn = page.getByRole("heading", { name: "Security info" });
      const replayed = page.getByText("This code has already been used");
      await expect(signedIn.or(replayed)).toBeVisible({ timeout: 30_000 });
      return (await signedIn.isVisible()) ? "signed in" : "replayed";
    }),
  );
  expect(outcomes.filter((o) => o === "signed in")).toHaveLength(1);
  expect(outcomes.filter((o) => o === "replayed")).toHaveLength(5);
  expect(await db().pendingSignIn.count({ where: { userId: user.id, stage: "complete" } })).toBe(1);
  expect(await db().signIn.count({ where: { userId: user.id, status: "success" } })).toBe(1);
  expect(await db().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ mfaFailedCount: 0, mfaLockedUntil: null });
  await Promise.all(pages.map((page) => page.context().close()));
});

test("a session signed out everywhere on instance A is refused on instance B at once", async ({ browser }) => {
  const user = await makeUser();
  const onA = await pageOn(browser, a);
  await enterPassword(onA, user.upn, user.password);
  await expectOnSecurityInfo(onA);
  // A second session, signed in on B.
  const onB = await pageOn(browser, b);
  await enterPassword(onB, user.upn, user.password);
  await expectOnSecurityInfo(onB);
  // The session cookie made by A is good on B too (one AUTH_SECRET), and B's on A.
  await onA.goto(`${b.url}/mysecurityinfo`);
  await expectOnSecurityInfo(onA);
  await onB.goto(`${a.url}/mysignins`);
  await expect(onB).toHaveURL(/\/mysignins$/);

  await onA.goto(`${a.url}/mysecurityinfo`);
  await onA.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(onA).toHaveURL(/\/login/);
  // The very next request of the other session, on the other instance, is refused.
  await onB.goto(`${b.url}/mysecurityinfo`);
  await expect(onB).toHaveURL(/\/login\?callbackUrl=%2Fmysecurityinfo/);
  const session = await onB.request.get(`${b.url}/api/token-imports/anything`);
  expect(session.status()).toBe(401);
  await Promise.all([onA.context().close(), onB.context().close()]);
});

test("an import started on instance A runs once: exact tokens, one runner, progress consistent when read on B", async ({ browser }) => {
  test.setTimeout(300_000);
  const admin = await makeUser({ roles: ["Global Administrator"] });
  const token = await makeActivatedToken(admin.id);
  const page = await pageOn(browser, a);
  await enterPassword(page, admin.upn, admin.password, "/admin");
  await enterCode(page, await freshCode(token));
  await expect(page.getByRole("heading", { name: "Admin console" })).toBeVisible();

  const rows = 20_000; // ~1.3 MB: a background job of four 5,000-row batches
  const prefix = `SCALE${crypto.randomBytes(3).toString("hex")}`;
  const lines = ["upn,serial number,secret key,time interval,manufacturer,model"];
  for (let i = 0; i < rows; i++) lines.push(`,${prefix}-${String(i).padStart(5, "0")},${encodeBase32(crypto.randomBytes(20))},30,Feitian,c200`);
  const body = Buffer.from(lines.join("\n"));
  expect(body.length).toBeGreaterThan(100 * 1024);

  const upload = await page.request.post(`${a.url}/api/token-imports?fileName=scale-out.csv`, { data: body, headers: { Origin: a.url, "Content-Type": "text/csv" } });
  expect(upload.status()).toBe(202);
  const { importId } = (await upload.json()) as { importId: string };

  // Read the progress on B (the same cookie serves both) while A runs the job; note every runner seen.
  const runners = new Set<string>();
  const seen: { processedRows: number; importedCount: number; status: string }[] = [];
  for (;;) {
    const job = await db().tokenImport.findUniqueOrThrow({ where: { id: importId }, select: { runnerId: true } });
    if (job.runnerId) runners.add(job.runnerId);
    const progress = await page.request.get(`${b.url}/api/token-imports/${importId}`);
    expect(progress.status()).toBe(200);
    const summary = (await progress.json()) as { status: string; processedRows: number; importedCount: number; totalRows: number };
    seen.push(summary);
    expect(summary.importedCount).toBeLessThanOrEqual(summary.processedRows);
    if (summary.status !== "queued" && summary.status !== "running") break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(seen.at(-1)).toMatchObject({ status: "completed", processedRows: rows, importedCount: rows, totalRows: rows });
  // Progress only moves forward, in whole batches.
  for (let i = 1; i < seen.length; i++) expect(seen[i].processedRows).toBeGreaterThanOrEqual(seen[i - 1].processedRows);
  for (const s of seen) expect(s.processedRows % 5000 === 0 || s.processedRows === rows).toBe(true);
  // One runner — instance A's process (runner ids are host:pid:random) — and never B's sweeper
  // (seen whenever the job was caught running; the batch audit below holds either way).
  expect(runners.size).toBeLessThanOrEqual(1);
  if (seen.some((s) => s.status === "running")) expect([...runners].map((r) => r.split(":")[1])).toEqual([String(a.pid())]);
  expect(await db().hardwareToken.count({ where: { serialNumber: { startsWith: `${prefix}-` } } })).toBe(rows);
  const batches = await db().auditEvent.findMany({ where: { action: "Add hardware tokens (upload batch)", targetId: importId }, orderBy: { sequence: "asc" } });
  expect(batches.map((e) => e.targetLabel)).toEqual(["rows 1–5000", "rows 5001–10000", "rows 10001–15000", "rows 15001–20000"]);
  expect(await db().auditEvent.count({ where: { action: "Import hardware tokens", targetId: importId } })).toBe(1);
  await page.context().close();
});
