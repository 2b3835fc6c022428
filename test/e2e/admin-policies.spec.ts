import { expect, test, type Browser, type Page } from "@playwright/test";
import { systemActor } from "../../lib/audit/write-audit-event";
import { saveConditionalAccessPolicy } from "../../lib/conditional-access/policy-store";
import { unique } from "../support/factories";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser } from "./helpers";

const policyNames: string[] = [];

// Policies are organisation-wide and the e2e database is shared by every spec: put things back.
test.afterAll(async () => {
  await db().conditionalAccessPolicy.deleteMany({ where: { name: { in: policyNames } } });
  await db().authenticationMethodPolicy.deleteMany({});
});

/** A Global Administrator signed in to the admin console (password and token code). */
async function signInAsAdmin(page: Page, callbackUrl: string) {
  const admin = await makeUser({ roles: ["Global Administrator"] });
  const token = await makeActivatedToken(admin.id);
  await enterPassword(page, admin.upn, admin.password, callbackUrl);
  await enterCode(page, await freshCode(token));
  return admin;
}

/** Another person signing in at the same time, in a browser of their own. */
async function otherBrowserPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

test.describe("policies", () => {
  test("a Conditional Access policy made in the console decides MFA, shows in What if, and each sign-in records every policy's result", async ({ page, browser }) => {
    const groupName = unique("Pilot ");
    const group = await db().group.create({ data: { name: groupName } });
    const pilot = await makeUser();
    const token = await makeActivatedToken(pilot.id);
    const newcomer = await makeUser();
    await db().groupMember.createMany({ data: [{ groupId: group.id, userId: pilot.id }, { groupId: group.id, userId: newcomer.id }] });
    const mfaPolicy = unique("Pilot MFA ");
    const reportPolicy = unique("Report block ");
    policyNames.push(mfaPolicy, reportPolicy);

    await signInAsAdmin(page, "/admin/conditional-access");
    await expect(page.getByRole("heading", { name: "Conditional Access" })).toBeVisible();
    await page.getByRole("link", { name: "New policy" }).click();
    await page.getByLabel("Name").fill(mfaPolicy);
    await page.getByLabel("Selected groups").check();
    await page.getByRole("group", { name: "Include groups (when Selected groups)" }).getByLabel(groupName).check();
    await page.getByRole("group", { name: "Target resources" }).getByLabel("Security info").check();
    await page.getByLabel("Grant").selectOption({ label: "Require multi-factor authentication" });
    await page.getByLabel("Enable policy").selectOption({ label: "On" });
    await page.getByRole("button", { name: "Create policy" }).click();
    await expect(page.getByText(`Policy "${mfaPolicy}" saved.`)).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: mfaPolicy });
    await expect(row).toContainText("On");
    await expect(row).toContainText(groupName);
    await expect(row).toContainText("Require multi-factor authentication");

    // A second, report-only policy straight through the domain function (the form was shown above).
    const saved = await saveConditionalAccessPolicy({
      db: db(), actor: systemActor,
      input: { name: reportPolicy, state: "reportOnly", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [], resources: ["Security info"], grant: "block" },
    });
    expect(saved.ok).toBe(true);

    await page.getByRole("link", { name: "What if" }).click();
    await page.getByLabel("User").fill(newcomer.upn);
    await page.getByLabel("Resource").selectOption("Security info");
    await page.getByRole("button", { name: "What if" }).click();
    await expect(page.getByTestId("what-if-outcome")).toContainText(`Multi-factor authentication required by ${mfaPolicy}, and the user has no usable method`);
    await expect(page.getByRole("row").filter({ hasText: reportPolicy })).toContainText("Report-only: would block access");

    // The pilot holds a token: asked for a code, then in.
    const pilotPage = await otherBrowserPage(browser);
    await enterPassword(pilotPage, pilot.upn, pilot.password);
    await enterCode(pilotPage, await freshCode(token));
    await expectOnSecurityInfo(pilotPage);
    // The newcomer has no method: told to contact the helpdesk, not let in single-factor.
    const newcomerPage = await otherBrowserPage(browser);
    await enterPassword(newcomerPage, newcomer.upn, newcomer.password);
    await expect(newcomerPage.getByText(/requires a second sign-in method here.*Contact your helpdesk/)).toBeVisible();

    const results = async (upn: string) => {
      const signIn = await db().signIn.findFirstOrThrow({ where: { upn }, orderBy: { createdAt: "desc" }, include: { policyResults: true } });
      return Object.fromEntries(signIn.policyResults.filter((r) => policyNames.includes(r.policyName)).map((r) => [r.policyName, [r.result, r.detail]]));
    };
    expect(await results(pilot.upn)).toEqual({
      [mfaPolicy]: ["success", "Multi-factor authentication satisfied"],
      [reportPolicy]: ["reportOnly", "Report-only: would have blocked access"],
    });
    expect(await results(newcomer.upn)).toEqual({
      [mfaPolicy]: ["failure", "Multi-factor authentication required; the user has no usable method"],
      [reportPolicy]: ["reportOnly", "Report-only: would have blocked access"],
    });

    // The same results in the sign-in log's Conditional Access tab.
    await page.goto("/admin/sign-ins");
    await page.getByLabel("User", { exact: true }).fill(pilot.upn);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/user=/);
    await page.getByRole("table").getByRole("row").nth(1).getByRole("link").click();
    const panel = page.getByRole("region", { name: /Activity details/ });
    await panel.getByRole("tab", { name: "Conditional Access" }).click();
    const tab = panel.getByRole("tabpanel");
    await expect(tab.getByRole("row").filter({ hasText: mfaPolicy })).toContainText("Success");
    await expect(tab.getByRole("row").filter({ hasText: reportPolicy })).toContainText("Report-only: would have blocked access");
  });

  test("an authentication method switched off in the methods policy can't be added in Security info", async ({ page, browser }) => {
    await signInAsAdmin(page, "/admin/methods-policy");
    await expect(page.getByRole("heading", { name: "Authentication methods policy" })).toBeVisible();
    const form = page.getByRole("form", { name: "Authenticator app (software OATH)" });
    await form.getByLabel("Enable Authenticator app (software OATH)").uncheck();
    await form.getByRole("button", { name: "Save Authenticator app (software OATH)" }).click();
    await expect(form.getByText("Authenticator app (software OATH) saved.")).toBeVisible();
    expect(await db().authenticationMethodPolicy.findUnique({ where: { method: "softwareOath" } })).toMatchObject({ enabled: false });

    // Bad input changes nothing and says why (the demo seed saved TAP's policy: it stays as it was).
    const savedTap = await db().authenticationMethodPolicy.findUnique({ where: { method: "temporaryAccessPass" } });
    const tap = page.getByRole("form", { name: "Temporary Access Pass" });
    await tap.getByLabel("Minimum lifetime (minutes)").fill("600");
    await tap.getByLabel("Maximum lifetime (minutes)").fill("60");
    await tap.getByRole("button", { name: "Save Temporary Access Pass" }).click();
    await expect(tap.getByText(/minimum lifetime can't be longer than the maximum/)).toBeVisible();
    expect(await db().authenticationMethodPolicy.findUnique({ where: { method: "temporaryAccessPass" } })).toEqual(savedTap);

    const user = await makeUser();
    const userPage = await otherBrowserPage(browser);
    await enterPassword(userPage, user.upn, user.password);
    await expectOnSecurityInfo(userPage);
    // Security info offers only what the policy allows (the server refuses the rest: test/integration/policies.test.ts).
    await userPage.getByRole("button", { name: "+ Add sign-in method" }).click();
    const choice = userPage.getByRole("dialog").getByLabel("Which method would you like to add?");
    // Email stays: the demo seed turns email one-time codes on for everyone; passkeys are on by default.
    await expect(choice.locator("option")).toHaveText(["Hardware token", "Passkey", "Email"]);
    expect(await db().authenticatorApp.count({ where: { userId: user.id } })).toBe(0);
  });
});
