import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser } from "./helpers";

const fixtures = path.join(__dirname, "..", "fixtures");

async function signInAsAdmin(page: Page) {
  const admin = await makeUser({ roles: ["Global Administrator"] });
  const token = await makeActivatedToken(admin.id);
  await enterPassword(page, admin.upn, admin.password, "/admin/tokens/upload");
  await enterCode(page, await freshCode(token));
  await expect(page.getByRole("heading", { name: "Upload hardware tokens" })).toBeVisible();
}

test("an admin uploads the Entra CSV, sees the counts, and re-uploading changes nothing", async ({ page }) => {
  await signInAsAdmin(page);
  // The demo seed created alice@ and bob@contoso.example, whom the fixture assigns tokens to.
  await page.getByLabel("Token file (CSV or PSKC XML)").setInputFiles(path.join(fixtures, "csv", "entra-format.csv"));
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("heading", { name: "entra-format.csv" })).toBeVisible();
  await expect(page.getByTestId("upload-status")).toHaveText("Completed");
  await expect(page.getByTestId("imported-count")).toHaveText("3");
  await expect(page.getByTestId("failed-count")).toHaveText("0");
  const alice = await db().user.findUniqueOrThrow({ where: { upn: "alice@contoso.example" } });
  expect(await db().hardwareToken.findUniqueOrThrow({ where: { serialNumber: "FT10000001" } })).toMatchObject({ status: "assigned", userId: alice.id });

  await page.goto("/admin/tokens/upload");
  await page.getByLabel("Token file (CSV or PSKC XML)").setInputFiles(path.join(fixtures, "csv", "entra-format.csv"));
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("already-present-count")).toHaveText("3");
  await expect(page.getByTestId("imported-count")).toHaveText("0");
});

test("failed rows are listed with line and reason and download as a safe CSV", async ({ page }) => {
  await signInAsAdmin(page);
  const csv = [
    "upn,serial number,secret key,time interval,manufacturer,model",
    ",E2E-OK-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200",
    "nobody@contoso.example,E2E-BAD-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR,30,Feitian,c200",
    ",=HYPERLINK(\"x\"),21f8281bceb19fac4d4fd2f50cb95e0f720dfa7e,30,Feitian,c200",
  ].join("\n");
  await page.getByLabel("Token file (CSV or PSKC XML)").setInputFiles({ name: "vendor batch.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("imported-count")).toHaveText("1");
  await expect(page.getByTestId("failed-count")).toHaveText("2");
  const table = page.getByRole("table");
  await expect(table).toContainText("No user has the UPN nobody@contoso.example");
  await expect(table).toContainText("hexadecimal");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download failures (CSV)" }).click()]);
  expect(download.suggestedFilename()).toBe("Failures_vendor batch.csv");
  const text = fs.readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
  const lines = text.trim().split("\r\n");
  expect(lines[0]).toBe("upn,serial number,secret key,time interval,manufacturer,model,reason");
  expect(lines).toHaveLength(3);
  expect(text).toContain(`'=HYPERLINK`);
  expect(text).not.toContain("21f8281bceb19fac4d4fd2f50cb95e0f720dfa7e");
});

test("a file with a bad header is refused with what to fix", async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByLabel("Token file (CSV or PSKC XML)").setInputFiles({ name: "wrong.csv", mimeType: "text/csv", buffer: Buffer.from("serial,secret\nX,Y\n") });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("upload-status")).toHaveText("Refused");
  await expect(page.getByText(/The header is missing the columns/)).toContainText("upn,serial number,secret key,time interval,manufacturer,model");
});

test("a big file runs as a background job with a progress bar", async ({ page }) => {
  await signInAsAdmin(page);
  const rows = ["upn,serial number,secret key,time interval,manufacturer,model"];
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  for (let i = 0; i < 5000; i++) {
    let secret = "";
    for (let j = 0; j < 32; j++) secret += alphabet[Math.floor(Math.random() * 32)];
    rows.push(`,E2E-BIG-${String(i).padStart(5, "0")},${secret},30,Token2,C302`);
  }
  await page.getByLabel("Token file (CSV or PSKC XML)").setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(rows.join("\n")) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("heading", { name: "big.csv" })).toBeVisible();
  await expect(page.getByTestId("upload-status")).toHaveText("Completed", { timeout: 60_000 });
  await expect(page.getByTestId("imported-count")).toHaveText("5000");
  expect(await db().hardwareToken.count({ where: { serialNumber: { startsWith: "E2E-BIG-" } } })).toBe(5000);
});

test("upload pages and the upload API refuse a user without the permission", async ({ page, request }) => {
  const user = await makeUser();
  await enterPassword(page, user.upn, user.password);
  await expectOnSecurityInfo(page);
  expect((await page.goto("/admin/tokens/upload"))?.status()).toBe(403);
  expect((await page.goto("/admin/tokens/uploads"))?.status()).toBe(403);
  const anonymous = await request.post("/api/token-imports?fileName=x.csv", { data: "upn,serial number\n", headers: { Origin: String(test.info().project.use.baseURL) } });
  expect(anonymous.status()).toBe(401);
  const crossSite = await page.request.post("/api/token-imports?fileName=x.csv", { data: "x", headers: { Origin: "https://evil.example" } });
  expect(crossSite.status()).toBe(403);
  const nullOrigin = await page.request.post("/api/token-imports?fileName=x.csv", { data: "x", headers: { Origin: "null" } });
  expect(nullOrigin.status()).toBe(403);
});

test("an expired PSKC key is refused until the admin ticks \"Import expired keys\"; the choice is audited", async ({ page }) => {
  await signInAsAdmin(page);
  const generated = path.join(fixtures, "pskc", "generated");
  const manifest = JSON.parse(fs.readFileSync(path.join(generated, "manifest.json"), "utf8")) as { file: string; keyMaterial: { preSharedKeyHex?: string }; token: { serial: string } }[];
  const entry = manifest.find((candidate) => candidate.file === "cipher-kw-tripledes.xml")!;
  const serial = `E2E-EXP-${Date.now()}`;
  const xml = fs
    .readFileSync(path.join(generated, entry.file), "utf8")
    .replaceAll(entry.token.serial, serial)
    .replace("</Data>", "</Data><Policy><ExpiryDate>2020-01-01T00:00:00Z</ExpiryDate></Policy>");
  const upload = async (acceptExpired: boolean) => {
    await page.goto("/admin/tokens/upload");
    await page.getByLabel("Token file (CSV or PSKC XML)").setInputFiles({ name: "expired.xml", mimeType: "application/xml", buffer: Buffer.from(xml) });
    await page.getByLabel("Pre-shared key (hex)").fill(entry.keyMaterial.preSharedKeyHex!);
    if (acceptExpired) await page.getByLabel("Import expired keys").check();
    await page.getByRole("button", { name: "Upload" }).click();
    await expect(page.getByTestId("upload-status")).toHaveText("Completed");
  };

  await upload(false);
  await expect(page.getByTestId("failed-count")).toHaveText("1");
  await expect(page.getByRole("table")).toContainText("The key expired on 2020-01-01 (Policy ExpiryDate)");

  await upload(true);
  await expect(page.getByTestId("imported-count")).toHaveText("1");
  expect(await db().hardwareToken.count({ where: { serialNumber: serial } })).toBe(1);
  const importId = page.url().split("/").at(-1)!;
  const event = await db().auditEvent.findFirstOrThrow({ where: { targetId: importId, action: "Import hardware tokens" } });
  expect(JSON.parse(event.details)).toMatchObject({ imported: 1, acceptExpired: true });
});
