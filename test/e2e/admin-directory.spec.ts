import { expect, test, type Page } from "@playwright/test";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser, updatePassword } from "./helpers";
import { signInAs } from "./sign-in-as";
import { unique } from "../support/factories";

const OWN_PASSWORD = "lantern orchard by the slow river";

const detail = (page: Page, term: string) => page.getByTestId("user-details").locator(`dt:text-is("${term}") + dd`);

test.describe("directory administration", () => {
  test("a Global Administrator creates a user, who signs in with the password shown once and updates it inside the sign-in; reset and disable take effect", async ({ page, browser }) => {
    await signInAs(page, "Global Administrator");
    const upn = `${unique("person")}@contoso.example`;
    await page.goto("/admin/users");
    await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
    await page.getByLabel("User principal name").fill(upn);
    await page.getByLabel("Display name").fill("Pat Person");
    await page.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByRole("status")).toContainText(`Created ${upn}`);
    const password = (await page.getByTestId("temporary-password").textContent())!.trim();
    expect(password).toMatch(/^[A-Za-z2-9-]{23}$/);
    const stored = await db().user.findUniqueOrThrow({ where: { upn } });
    expect(stored.mustChangePassword).toBe(true);

    // Search finds them; their page shows the account.
    await page.getByLabel("Search by name or UPN").fill(upn.slice(0, 14));
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: upn }).click();
    await expect(page.getByRole("heading", { name: "Pat Person" })).toBeVisible();
    await expect(detail(page, "Password")).toHaveText("Must be changed at next sign-in");

    // The person signs in with the handed-over password and the code of the token that came with
    // the laptop; before any session, the sign-in asks them to choose their own password.
    const token = await makeActivatedToken(stored.id);
    const theirs = await (await browser.newContext({ baseURL: test.info().project.use.baseURL })).newPage();
    await enterPassword(theirs, upn, password, "/mysignins");
    await enterCode(theirs, await freshCode(token));
    await updatePassword(theirs, password, "password1234");
    await expect(theirs.getByText("This password is one of the most common ones and easy to guess. Choose another.")).toBeVisible();
    await expect(theirs.getByLabel("New password", { exact: true })).toHaveValue("");
    expect((await db().user.findUniqueOrThrow({ where: { upn } })).mustChangePassword).toBe(true);
    await updatePassword(theirs, password, OWN_PASSWORD);
    // On to where they were going, with no banner or detour.
    await expect(theirs).toHaveURL(/\/mysignins$/);
    await expect(theirs.getByRole("heading", { name: "My sign-ins" })).toBeVisible();
    await expect(theirs.getByRole("table")).toContainText("Temporary password change");
    await page.reload();
    await expect(detail(page, "Password")).toHaveText(/^Last changed \d{4}-\d{2}-\d{2}$/);
    // The temporary password no longer works.
    const again = await (await browser.newContext({ baseURL: test.info().project.use.baseURL })).newPage();
    await enterPassword(again, upn, password);
    await expect(again.getByText("Your account or password is incorrect")).toBeVisible();

    // Reset: a new password, shown once; their session ends; the next sign-in asks for a new one again.
    await page.getByRole("button", { name: "Reset password" }).click();
    await expect(page.getByRole("status").filter({ hasText: "was reset" })).toBeVisible();
    const newPassword = (await page.getByTestId("temporary-password").textContent())!.trim();
    expect(newPassword).not.toBe(password);
    await theirs.goto("/mysecurityinfo");
    await expect(theirs).toHaveURL(/\/login/);
    await enterPassword(theirs, upn, newPassword);
    await enterCode(theirs, await freshCode(token));
    await updatePassword(theirs, newPassword, `${OWN_PASSWORD} again`);
    await expectOnSecurityInfo(theirs);

    // Disable: the next request is signed out, and signing in fails.
    await page.getByRole("button", { name: "Disable account" }).click();
    await expect(detail(page, "Account")).toHaveText("Disabled");
    await theirs.goto("/mysecurityinfo");
    await expect(theirs).toHaveURL(/\/login/);
    expect(await db().auditEvent.count({ where: { targetId: stored.id, action: { in: ["Add user", "Reset password", "Disable account"] } } })).toBe(3);
  });

  test("a role assignment takes effect on the holder's next request", async ({ page, browser }) => {
    await signInAs(page, "Global Administrator");
    const helpdeskPage = await (await browser.newContext({ baseURL: test.info().project.use.baseURL })).newPage();
    const helpdesk = await signInAs(helpdeskPage, "Helpdesk Administrator");
    expect((await helpdeskPage.goto("/admin/users"))?.status()).toBe(200);
    expect((await helpdeskPage.goto("/admin/tokens/upload"))?.status()).toBe(403);

    await page.goto("/admin/roles");
    await page.getByLabel("User (UPN)").fill(helpdesk.upn);
    await page.getByLabel("Role").selectOption("Authentication Policy Administrator");
    await page.getByRole("button", { name: "Add assignment" }).click();
    await expect(page.getByRole("status").first()).toContainText(`${helpdesk.upn} now holds Authentication Policy Administrator`);
    expect((await helpdeskPage.goto("/admin/tokens/upload"))?.status()).toBe(200);

    await page.getByRole("form", { name: `Remove Helpdesk Administrator from ${helpdesk.upn}` }).getByRole("button", { name: "Remove" }).click();
    await expect(page.getByRole("region", { name: "Helpdesk Administrator" })).not.toContainText(helpdesk.upn);
    expect((await helpdeskPage.goto("/admin/users"))?.status()).toBe(403);
  });

  test("a Helpdesk Administrator is offered no management of an admin, only of non-admins", async ({ page }) => {
    await signInAs(page, "Helpdesk Administrator");
    const admin = await makeUser({ roles: ["Security Reader"] });
    const plain = await makeUser();
    await page.goto(`/admin/users/${admin.id}`);
    await expect(page.getByRole("button", { name: "Reset password" })).toHaveCount(0);
    await page.goto(`/admin/users/${plain.id}`);
    await expect(page.getByRole("button", { name: "Reset password" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Disable account" })).toHaveCount(0);
  });

  test("groups: create, add a member, rename, remove, delete", async ({ page }) => {
    await signInAs(page, "Global Administrator");
    const member = await makeUser();
    const name = unique("Group ");
    await page.goto("/admin/groups");
    await page.getByLabel("Group name").fill(name);
    await page.getByRole("button", { name: "Create group" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    await page.getByLabel("Member (UPN)").fill(member.upn);
    await page.getByRole("button", { name: "Add member" }).click();
    await expect(page.getByRole("list", { name: "Members" })).toContainText(member.upn);
    await page.getByRole("form", { name: "Rename group" }).getByLabel("Group name").fill(`${name} renamed`);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("heading", { name: `${name} renamed` })).toBeVisible();
    await page.getByRole("form", { name: `Remove ${member.upn}` }).getByRole("button", { name: "Remove" }).click();
    await expect(page.getByRole("list", { name: "Members" })).not.toContainText(member.upn);
    await page.getByRole("button", { name: "Delete group" }).click();
    await expect(page.getByRole("form", { name: "Delete group" }).getByRole("status")).toContainText("Tick the box");
    await page.getByLabel(/Delete .* \(its members stay/).check();
    await page.getByRole("button", { name: "Delete group" }).click();
    await expect(page).toHaveURL(/\/admin\/groups$/);
    await expect(page.getByRole("link", { name: `${name} renamed` })).toHaveCount(0);
  });
});
