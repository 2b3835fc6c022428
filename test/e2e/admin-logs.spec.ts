import fs from "node:fs";
import { expect, test, type Download, type Page } from "@playwright/test";
import { BAD_CREDENTIALS_MESSAGE } from "../../lib/signin/password-step";
import { addSignInStep, createSignInRecord } from "../../lib/audit/sign-in-log";
import { writeAuditEvent } from "../../lib/audit/write-audit-event";
import { unique } from "../support/factories";
import { db, enterCode, enterPassword, freshCode, makeActivatedToken, makeUser } from "./helpers";
import { signInAs } from "./sign-in-as";

/** A completed MFA sign-in to the admin console with two Conditional Access results. */
async function seedMfaSignIn(upn: string, userId: string) {
  const id = await createSignInRecord({
    db: db(), upn, userId, resource: "Admin console", client: { ipAddress: "203.0.113.50", userAgent: "Mozilla/5.0 (Windows NT 10.0) Firefox/130.0" },
    status: "interrupted", firstStep: { method: "Password", requirement: "primary", resultDetail: "Correct password", succeeded: true },
  });
  await addSignInStep({
    db: db(), signInId: id, status: "success", authRequirement: "multiFactor",
    step: { method: "OATH verification code", detail: "FT4242", requirement: "mfa", resultDetail: "MFA completed", succeeded: true },
  });
  await db().signInPolicyResult.createMany({
    data: [
      { signInId: id, policyName: "Require MFA for admins", result: "success", detail: "Require multifactor authentication" },
      { signInId: id, policyName: "Block Security info from outside", result: "reportOnly", detail: "Report-only: would have blocked access" },
    ],
  });
  return id;
}

async function downloadText(page: Page, linkName: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: linkName }).click()]);
  return { name: (download as Download).suggestedFilename(), text: fs.readFileSync((await download.path())!, "utf8") };
}

test.describe("sign-in and audit logs", () => {
  test("a Security Reader filters the sign-in log by user, opens a sign-in's three tabs, and exports the filtered set", async ({ page, browser }) => {
    const user = await makeUser();
    // A real failed sign-in, from another browser.
    const other = await browser.newContext();
    const visitor = await other.newPage();
    await enterPassword(visitor, user.upn, "not-the-password");
    await expect(visitor.getByText(BAD_CREDENTIALS_MESSAGE)).toBeVisible();
    await other.close();
    await seedMfaSignIn(user.upn, user.id);
    await makeUser(); // someone else, whose sign-ins must not show

    await signInAs(page, "Security Reader");
    await page.goto("/admin/sign-ins");
    await expect(page.getByRole("heading", { name: "Sign-in logs" })).toBeVisible();
    await page.getByLabel("User", { exact: true }).fill(user.upn);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/user=/);
    const rows = page.getByRole("table").getByRole("row");
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(1)).toContainText("Success");
    await expect(rows.nth(2)).toContainText("Failure");

    await rows.nth(1).getByRole("link").click();
    const panel = page.getByRole("region", { name: /Activity details/ });
    await expect(panel.getByRole("tab")).toHaveText(["Basic info", "Authentication details", "Conditional Access"]);
    const basic = panel.getByRole("tabpanel");
    await expect(basic).toContainText(user.upn);
    await expect(basic).toContainText("Admin console");
    await expect(basic).toContainText("203.0.113.50");
    await expect(basic).toContainText("Firefox on Windows");
    await expect(basic).toContainText("Multifactor authentication");

    await panel.getByRole("tab", { name: "Authentication details" }).click();
    const steps = panel.getByRole("tabpanel").getByRole("row");
    await expect(steps).toHaveCount(3);
    await expect(steps.nth(1)).toContainText("Password");
    await expect(steps.nth(2)).toContainText("OATH verification code");
    await expect(steps.nth(2)).toContainText("FT4242");

    await panel.getByRole("tab", { name: "Conditional Access" }).click();
    const policies = panel.getByRole("tabpanel");
    await expect(policies.getByRole("row").filter({ hasText: "Require MFA for admins" })).toContainText("Success");
    await expect(policies.getByRole("row").filter({ hasText: "Block Security info from outside" })).toContainText("Report-only");

    const csv = await downloadText(page, "Download CSV");
    expect(csv.name).toMatch(/^SignIns_\d{8}T\d{6}\.csv$/);
    const lines = csv.text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((line) => line.includes(user.upn))).toBe(true);

    const json = await downloadText(page, "Download JSON");
    const records = JSON.parse(json.text) as { userPrincipalName: string; status: string }[];
    expect(records.map((r) => [r.userPrincipalName, r.status])).toEqual([[user.upn, "success"], [user.upn, "failure"]]);
  });

  test("a Security Reader filters the audit log and exports it; the log is not open to a Helpdesk Administrator", async ({ page, browser }) => {
    const actor = await makeUser();
    await writeAuditEvent({ db: db(), actor: { id: actor.id, upn: actor.upn, ipAddress: "198.51.100.8" }, action: "Reset password", target: { type: "user", id: "u", label: "carol@contoso.example" } });
    await writeAuditEvent({ db: db(), actor: { id: actor.id, upn: actor.upn }, action: "Revoke sessions", target: { type: "user", id: "u", label: "carol@contoso.example" } });

    await signInAs(page, "Security Reader");
    await page.goto("/admin/audit");
    await expect(page.getByRole("heading", { name: "Audit logs" })).toBeVisible();
    await page.getByLabel("Initiated by (actor)").fill(actor.upn);
    await page.getByLabel("Activity").selectOption("Reset password");
    await page.getByRole("button", { name: "Apply filters" }).click();
    const rows = page.getByRole("table").getByRole("row");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText("carol@contoso.example");
    await expect(rows.nth(1)).toContainText("198.51.100.8");

    const csv = await downloadText(page, "Download CSV");
    const lines = csv.text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("Reset password");

    const helpdeskContext = await browser.newContext();
    const helpdesk = await helpdeskContext.newPage();
    await signInAs(helpdesk, "Helpdesk Administrator");
    const denied = await helpdesk.goto("/admin/audit");
    expect(denied?.status()).toBe(403);
    expect((await helpdesk.request.get("/api/audit/export?format=csv")).status()).toBe(403);
    await helpdeskContext.close();
  });

  test("the audit log says what an upload did, where a replayed code came from, and names targets as an admin reads them", async ({ page, browser }) => {
    test.setTimeout(120_000);
    await signInAs(page, "Global Administrator");
    // An upload whose every row fails imported nothing: not a success.
    const fileName = `${unique("tokens")}.csv`;
    const csv = ["upn,serial number,secret key,time interval,manufacturer,model", `,${unique("SN")},ABCDEF,30,Feitian,c200`, `,${unique("SN")},ABCDEFGH,30,Feitian,c200`].join("\n");
    await page.goto("/admin/tokens/upload");
    await page.getByLabel("Token file (CSV or PSKC XML)").setInputFiles({ name: fileName, mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Upload" }).click();
    await expect(page.getByTestId("failed-count")).toHaveText("2");

    // A code used twice: the second sign-in is refused and the replay logged with its address.
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    const code = await freshCode(token);
    const first = await (await browser.newContext()).newPage();
    await enterPassword(first, user.upn, user.password);
    await enterCode(first, code);
    await expect(first).toHaveURL(/\/mysecurityinfo$/);
    const second = await (await browser.newContext()).newPage();
    await enterPassword(second, user.upn, user.password);
    await enterCode(second, code);
    await expect(second.getByText("This code has already been used")).toBeVisible();

    await page.goto(`/admin/audit?target=${encodeURIComponent(fileName)}&action=${encodeURIComponent("Import hardware tokens")}`);
    const upload = page.getByRole("table").getByRole("row").nth(1);
    await expect(upload).toContainText(`Upload ${fileName}`);
    await expect(upload).toContainText("Failure");
    await expect(upload).toContainText("rows: 2, imported: 0, alreadyPresent: 0, failed: 2");
    await expect(upload).not.toContainText("tokenImport");

    await page.goto(`/admin/audit?actor=${encodeURIComponent(user.upn)}&action=${encodeURIComponent("Verification code replayed")}`);
    const replay = page.getByRole("table").getByRole("row");
    await expect(replay).toHaveCount(2);
    await expect(replay.nth(1)).toContainText(`Hardware token ${token.serialNumber}`);
    await expect(replay.nth(1)).not.toContainText("hardwareToken");
    await expect(replay.nth(1).getByRole("cell").nth(5)).toHaveText(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
  });
});
