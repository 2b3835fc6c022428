import crypto from "node:crypto";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { systemActor, writeAuditEvent } from "../../lib/audit/write-audit-event";
import { encryptSecret } from "../../lib/crypto/secret-box";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { saveSsprPolicy } from "../../lib/sspr/sspr-policy";
import { SSPR_POLICY_DEFAULTS } from "../../lib/sspr/sspr-policy-model";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser, rememberSecret } from "./helpers";
import { signInAs } from "./sign-in-as";

// What a person sees of the layout: the console's grouped navigation and its phone menu, one left
// edge, tables that fit at 1280 px and turn into cards on a phone, method icons, times in the
// reader's own zone, and the small things of the sign-in pages.

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function left(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  if (!box) throw new Error("not visible");
  return Math.round(box.x);
}

/** Nothing on the page scrolls sideways, no table is wider than its box, and no cell cuts its text. */
async function expectNoSidewaysScroll(page: Page) {
  const measured = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    tables: [...document.querySelectorAll("table")].map((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth),
    cutCells: [...document.querySelectorAll("th, td")].filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent),
    headersPastTheEdge: [...document.querySelectorAll("th")].filter((cell) => cell.getBoundingClientRect().right > document.documentElement.clientWidth).map((cell) => cell.textContent),
  }));
  expect(measured.page, "the page scrolls sideways").toBeLessThanOrEqual(0);
  expect(measured.tables.every((overflow) => overflow <= 0), `a table scrolls sideways: ${measured.tables}`).toBe(true);
  expect(measured.cutCells, "cells whose text is cut").toEqual([]);
  expect(measured.headersPastTheEdge, "columns past the right edge").toEqual([]);
}

/** A user holding every kind of method: password, an activated token, an app, email and a Temporary Access Pass. */
async function userWithEveryMethod() {
  const user = await makeUser();
  const token = await makeActivatedToken(user.id);
  await db().authenticatorApp.create({ data: { userId: user.id, name: "Work phone", encryptedSecret: encryptSecret(crypto.randomBytes(20)), status: "active" } });
  await db().emailMethod.create({ data: { userId: user.id, address: `${user.id}@mail.example`, confirmedAt: new Date() } });
  const now = Date.now();
  await db().temporaryAccessPass.create({
    data: { userId: user.id, passHash: "not a pass anyone can type", oneTimeUse: true, startsAt: new Date(now), expiresAt: new Date(now + 3_600_000) },
  });
  return { user, token };
}

test.describe("the admin console's layout", () => {
  test("a grouped left navigation with only what the roles permit, on the header's left edge", async ({ page, browser }) => {
    await page.setViewportSize(DESKTOP);
    await signInAs(page, "Global Administrator");
    const nav = page.getByRole("navigation", { name: "Admin console" });
    for (const [group, links] of [
      ["Hardware tokens", ["Token inventory", "Upload tokens", "Upload results", "Find token by code"]],
      ["Users and groups", ["Users", "Groups"]],
      ["Roles", ["Roles and administrators"]],
      ["Applications", ["Enterprise applications"]],
      ["Protection", ["Authentication methods", "Conditional Access", "RADIUS clients (VPN)", "Password reset"]],
      ["Monitoring", ["Sign-in logs", "Audit logs", "Outbox"]],
    ] as const) {
      await expect(nav.getByText(group, { exact: true })).toBeVisible();
      await expect(nav.locator(`[data-nav-group="${group}"]`).getByRole("link")).toHaveText([...links]);
    }
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
    // The header's first word, the navigation and the page all start on the same container edge.
    expect(await left(nav)).toBe(await left(page.getByRole("banner").getByText("Contoso", { exact: true })));
    const navBox = (await nav.boundingBox())!;
    expect(await left(page.getByRole("heading", { level: 1 }))).toBeGreaterThanOrEqual(navBox.x + navBox.width);
    await nav.getByRole("link", { name: "Audit logs" }).click();
    await expect(page.getByRole("heading", { name: "Audit logs" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Audit logs" })).toHaveAttribute("aria-current", "page");

    // A Security Reader sees the overview and the logs only.
    const readerContext = await browser.newContext({ viewport: DESKTOP });
    const reader = await readerContext.newPage();
    await signInAs(reader, "Security Reader");
    const readerNav = reader.getByRole("navigation", { name: "Admin console" });
    await expect(readerNav.getByRole("link")).toHaveText(["Overview", "Users", "Groups", "Sign-in logs", "Audit logs"]);
    for (const hidden of ["Hardware tokens", "Roles", "Applications", "Protection", "Outbox"]) await expect(readerNav.getByText(hidden, { exact: true })).toHaveCount(0);
    await readerContext.close();
  });

  test("on a phone the navigation folds into a Menu button that works by keyboard, under the nonce CSP", async ({ page }) => {
    const refused: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
    await signInAs(page, "Global Administrator");
    await page.setViewportSize(PHONE);
    const nav = page.getByRole("navigation", { name: "Admin console" });
    const menu = nav.getByRole("button", { name: "Menu" });
    await expect(menu).toBeVisible();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(nav.getByRole("link", { name: "Sign-in logs" })).toBeHidden();
    // The header, the menu button and the page share the left edge on a phone too.
    const edge = await left(menu);
    expect(await left(page.getByRole("banner").getByText("Contoso", { exact: true }))).toBe(edge);
    expect(await left(page.getByRole("heading", { level: 1 }))).toBe(edge);

    await menu.focus();
    await page.keyboard.press("Enter");
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    const signInLogs = nav.getByRole("link", { name: "Sign-in logs" });
    await expect(signInLogs).toBeVisible();
    await page.keyboard.press("Space");
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await page.keyboard.press("Enter");
    await signInLogs.click();
    await expect(page.getByRole("heading", { name: "Sign-in logs" })).toBeVisible();
    // Following a link closes the menu again.
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expectNoSidewaysScroll(page);
    expect(refused).toEqual([]);
  });

  test("the sign-in log, the audit log and the token list fit at 1280 px; on a phone each row is a card", async ({ page, browser }) => {
    // A row with long values: a failed sign-in with its reason, from another browser.
    const visitorContext = await browser.newContext({ baseURL: test.info().project.use.baseURL });
    await enterPassword(await visitorContext.newPage(), (await makeUser()).upn, "not-the-password");
    await visitorContext.close();
    // An audit event with a long unbroken value (a policy's settings are stored as JSON) and a long actor.
    const actor = await makeUser({ upn: `${crypto.randomBytes(3).toString("hex")}-${"a-rather-long-account-name".repeat(2)}@subdomain.contoso.example` });
    await writeAuditEvent({
      db: db(),
      actor: { id: actor.id, upn: actor.upn, ipAddress: "2001:db8:85a3:8d3:1319:8a2e:370:7348" },
      action: "Update authentication methods policy",
      target: { type: "authenticationMethodPolicy", id: "temporaryAccessPass", label: "Temporary Access Pass" },
      details: { settings: JSON.stringify(METHOD_POLICY_DEFAULTS.temporaryAccessPass.settings) },
    });
    await page.setViewportSize(DESKTOP);
    await signInAs(page, "Global Administrator");
    for (const path of ["/admin/sign-ins", "/admin/audit", "/admin/tokens"]) {
      await page.goto(path);
      await expect(page.getByRole("table")).toBeVisible();
      await expectNoSidewaysScroll(page);
    }
    await page.goto("/admin/audit");
    const details = page.getByRole("columnheader", { name: "Details" });
    const detailsBox = (await details.boundingBox())!;
    expect(detailsBox.x + detailsBox.width).toBeLessThanOrEqual(DESKTOP.width);
    await page.goto("/admin/sign-ins");
    await expect(page.getByRole("columnheader", { name: "Authentication requirement" })).toHaveText("Authentication requirement");
    // The time opens the sign-in's details, in view without scrolling.
    await page.getByRole("table").getByRole("link", { name: /^Sign-in details/ }).first().click();
    await expect(page.getByRole("region", { name: /Activity details/ })).toBeInViewport();

    await page.setViewportSize(PHONE);
    for (const path of ["/admin/sign-ins", "/admin/audit", "/admin/tokens"]) {
      await page.goto(path);
      const firstRow = page.getByRole("table").locator("tbody tr").first();
      await expect(firstRow).toBeVisible();
      await expect(page.getByRole("table").locator("thead")).toBeHidden();
      const card = await firstRow.evaluate((row) => ({
        display: getComputedStyle(row).display,
        labels: [...row.querySelectorAll("td")].filter((cell) => getComputedStyle(cell).display !== "none").map((cell) => getComputedStyle(cell, "::before").content),
        right: row.getBoundingClientRect().right,
      }));
      expect(card.display).toBe("block");
      expect(card.right).toBeLessThanOrEqual(PHONE.width);
      // Each field after the card's title is labelled with its column's name.
      expect(card.labels.slice(1).every((label) => label.length > 2 && label !== "none"), `${path}: ${card.labels}`).toBe(true);
      await expectNoSidewaysScroll(page);
    }
    // A sign-in's detail panel fits a phone too.
    await page.goto("/admin/sign-ins");
    await page.getByRole("table").getByRole("link", { name: /^Sign-in details/ }).first().click();
    await expect(page.getByRole("region", { name: /Activity details/ })).toBeVisible();
    await expectNoSidewaysScroll(page);
    await page.goto("/admin/tokens");
    const card = page.getByRole("table").locator("tbody tr").first();
    await expect(card.locator('td[data-label="Status"]')).toBeVisible();
    await expect(card.locator('td[data-label="Hash"]')).toBeHidden();
  });

  test("console times are UTC, labelled so", async ({ page }) => {
    await signInAs(page, "Global Administrator");
    await page.goto("/admin/sign-ins");
    await expect(page.getByRole("table").locator("tbody tr").first().locator("td").first()).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    await page.goto("/admin/audit");
    await expect(page.getByRole("table").locator("tbody tr").first().locator("td").first()).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  });
});

test.describe("end users' pages", () => {
  // Every kind of method can answer sign-in: email and TAP on for everyone here; the policies go back as they were after.
  const METHODS = ["email", "temporaryAccessPass"] as const;
  let before: Awaited<ReturnType<typeof savedPolicies>> = [];
  const savedPolicies = () => db().authenticationMethodPolicy.findMany({ where: { method: { in: [...METHODS] } }, include: { groups: true } });
  test.beforeAll(async () => {
    before = await savedPolicies();
    for (const method of METHODS) {
      const saved = await saveMethodPolicy({ db: db(), method, enabled: true, includeAllUsers: true, groupIds: [], settings: METHOD_POLICY_DEFAULTS[method].settings, actor: systemActor });
      if (!saved.ok) throw new Error(saved.reason);
    }
  });
  test.afterAll(async () => {
    for (const method of METHODS) {
      const row = before.find((policy) => policy.method === method);
      if (!row) {
        await db().authenticationMethodPolicy.deleteMany({ where: { method } });
        continue;
      }
      await saveMethodPolicy({ db: db(), method, enabled: row.enabled, includeAllUsers: row.includeAllUsers, groupIds: row.groups.map((g) => g.groupId), settings: JSON.parse(row.settings), actor: systemActor });
    }
  });

  test("Security info shows an SVG icon for every method, labels on one line, and times in the browser's zone", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, viewport: DESKTOP, timezoneId: "America/New_York", locale: "en-US" });
    const page = await context.newPage();
    const { user, token } = await userWithEveryMethod();
    await enterPassword(page, user.upn, user.password);
    await enterCode(page, await freshCode(token));
    await expectOnSecurityInfo(page);

    const list = page.getByRole("list", { name: "Sign-in methods" });
    const types = ["Password", "Hardware token", "Authenticator app", "Email", "Temporary Access Pass"];
    for (const type of types) {
      const label = list.getByTestId("method-type").filter({ hasText: type });
      await expect(label.locator(`svg[data-method-icon="${type}"]`)).toBeVisible();
      // One line: no taller than the text's line height.
      expect((await label.boundingBox())!.height, type).toBeLessThan(30);
    }
    // No glyph that a font may lack is left.
    expect(await list.textContent()).not.toMatch(/[▯⧗▣✉]/);

    // The pass's times in New York time, the zone named.
    const tap = await db().temporaryAccessPass.findUniqueOrThrow({ where: { userId: user.id } });
    const format = (date: Date) => new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short", timeZone: "America/New_York" }).format(date);
    const tapRow = list.getByRole("listitem").filter({ hasText: "Temporary Access Pass" });
    await expect(tapRow).toContainText(`Valid from ${format(tap.startsAt)} until ${format(tap.expiresAt)}`);
    await expect(tapRow).toContainText(/E[SD]T/);
    await expectNoSidewaysScroll(page);
    // On a phone nothing runs off the side either (a long email address wraps).
    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll(page);
    await page.setViewportSize(DESKTOP);

    // My sign-ins: the sign-in just made, in the same zone.
    await page.goto("/mysignins");
    const latest = await db().signIn.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" } });
    await expect(page.getByRole("table").locator("tbody tr").first().locator("td").first()).toHaveText(format(latest.createdAt));
    await context.close();
  });

  test("the sign-in page: the account and a way back under 'Sign in another way', with icons", async ({ page }) => {
    const { user } = await userWithEveryMethod();
    await enterPassword(page, user.upn, user.password);
    await expect(page.getByRole("heading", { name: "Enter code" })).toBeVisible();
    await expect(page.getByTestId("signin-account")).toHaveText(user.upn);
    await page.getByRole("button", { name: "Sign in another way" }).click();
    await expect(page.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    await expect(page.getByTestId("signin-account")).toHaveText(user.upn);
    const choices = page.getByRole("listitem").getByRole("button");
    await expect(choices).toHaveCount(4);
    for (const type of ["Hardware token", "Authenticator app", "Email", "Temporary Access Pass"]) {
      await expect(page.locator(`li svg[data-method-icon="${type}"]`)).toBeVisible();
    }
    await page.getByRole("button", { name: `Back: enter the code for ${user.upn}` }).click();
    await expect(page.getByRole("heading", { name: "Enter code" })).toBeVisible();
    // "Forgot my password" carrying the UPN typed here: password-reset.spec.ts.
  });

  test("a refused new password in password reset is said once, under its field", async ({ page }) => {
    test.setTimeout(120_000);
    await saveSsprPolicy({ db: db(), policy: { ...SSPR_POLICY_DEFAULTS, enabledFor: "all", requireRegistration: false, methodsRequired: 1, methods: ["hardwareOath"] }, actor: systemActor });
    try {
      const user = await makeUser({ upn: `${crypto.randomBytes(4).toString("hex")}layout@contoso.example` });
      const token = await makeActivatedToken(user.id);
      await page.goto(`/passwordreset?upn=${encodeURIComponent(user.upn)}`);
      await expect(page.getByText("You're not a robot")).toBeVisible({ timeout: 30_000 });
      await page.getByRole("button", { name: "Next" }).click();
      await expect(page.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
      await page.getByRole("radio", { name: "Hardware token code" }).check();
      await page.getByLabel("Code", { exact: true }).fill(await freshCode(token));
      await page.getByRole("button", { name: "Verify", exact: true }).click();
      await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
      // The user name inside the password: refused.
      const refusedPassword = rememberSecret(`${user.upn.split("@")[0]} and a long tail`);
      await page.getByLabel("New password", { exact: true }).fill(refusedPassword);
      await page.getByLabel("Confirm new password").fill(refusedPassword);
      await page.getByRole("button", { name: "Finish" }).click();
      const message = "Don't use your user name in your password. Choose another.";
      await expect(page.locator("#password-error")).toHaveText(message);
      await expect(page.getByText(message)).toHaveCount(1);
      await expect(page.getByLabel("New password", { exact: true })).toHaveAttribute("aria-invalid", "true");
    } finally {
      await saveSsprPolicy({ db: db(), policy: SSPR_POLICY_DEFAULTS, actor: systemActor });
    }
  });

  test("the authenticator app's QR code is an image with an accessible name", async ({ page }) => {
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    await enterPassword(page, user.upn, user.password);
    await enterCode(page, await freshCode(token));
    await expectOnSecurityInfo(page);
    await page.getByRole("button", { name: "+ Add sign-in method" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Which method would you like to add?").selectOption("authenticatorApp");
    await dialog.getByRole("button", { name: "Next" }).click();
    await dialog.getByRole("button", { name: "Next" }).click();
    const qr = dialog.getByRole("img", { name: 'QR code for setting up your authenticator app "Authenticator app"' });
    await expect(qr).toBeVisible();
    expect(await qr.evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  });
});

test.describe("directory forms", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("New user: the temporary password has a Copy button and the form is emptied for the next user; the TAP form has a heading", async ({ page }) => {
    await signInAs(page, "Global Administrator");
    await page.goto("/admin/users");
    const form = page.getByRole("form", { name: "New user" });
    const upn = `${crypto.randomBytes(5).toString("hex")}@contoso.example`;
    await form.getByLabel("User principal name").fill(upn);
    await form.getByLabel("Display name").fill("Layout Test");
    await form.getByRole("button", { name: "Create user" }).click();
    const password = form.getByTestId("temporary-password");
    await expect(password).toBeVisible();
    const shown = rememberSecret((await password.textContent())!.trim());
    await expect(form.getByLabel("User principal name")).toHaveValue("");
    await expect(form.getByLabel("Display name")).toHaveValue("");
    await form.getByRole("button", { name: "Copy the temporary password" }).click();
    await expect(form.getByText("Copied.")).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);

    const created = await db().user.findUniqueOrThrow({ where: { upn } });
    await page.goto(`/admin/users/${created.id}`);
    await expect(page.getByRole("form", { name: "Issue a Temporary Access Pass" }).getByRole("heading", { name: "Temporary Access Pass" })).toBeVisible();
  });
});
