import { expect, test, type Browser } from "@playwright/test";
import { systemActor } from "../../lib/audit/write-audit-event";
import { saveConditionalAccessPolicy } from "../../lib/conditional-access/policy-store";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { unique } from "../support/factories";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser, signInNewUserWithToken } from "./helpers";
import { addPasskey, virtualAuthenticator } from "./passkey-helpers";

const policyNames: string[] = [];

// Policies are organisation-wide and the e2e database is shared by every spec: put things back.
test.afterAll(async () => {
  await db().conditionalAccessPolicy.deleteMany({ where: { name: { in: policyNames } } });
});

async function newPage(browser: Browser) {
  return (await browser.newContext()).newPage();
}

test("a phishing-resistant policy made in the editor steps a password sign-in up to the passkey, sends a person without one to register it first, and the log shows the strength", async ({ page, browser }) => {
  // Three people, the editor, What if and the log in one story: longer than one sign-in's default.
  test.setTimeout(180_000);
  const groupName = unique("Phishing-resistant pilot ");
  const group = await db().group.create({ data: { name: groupName } });
  const policyName = unique("Phishing-resistant for pilot ");
  policyNames.push(policyName);

  // Alice registers a passkey in Security info (before the policy exists), then signs out.
  const alicePage = await newPage(browser);
  const { user: alice } = await signInNewUserWithToken(alicePage);
  await virtualAuthenticator(alicePage);
  await addPasskey(alicePage, "Alice laptop");
  await alicePage.context().clearCookies();
  // Bob holds a token only.
  const bob = await makeUser();
  const bobToken = await makeActivatedToken(bob.id);
  await db().groupMember.createMany({ data: [{ groupId: group.id, userId: alice.id }, { groupId: group.id, userId: bob.id }] });

  // The admin makes the policy in the editor: the grant "Require authentication strength".
  const admin = await makeUser({ roles: ["Global Administrator"] });
  const adminToken = await makeActivatedToken(admin.id);
  await enterPassword(page, admin.upn, admin.password, "/admin/conditional-access/new");
  await enterCode(page, await freshCode(adminToken));
  await page.getByLabel("Name").fill(policyName);
  await page.getByLabel("Selected groups").check();
  await page.getByRole("group", { name: "Include groups (when Selected groups)" }).getByLabel(groupName).check();
  await page.getByRole("group", { name: "Target resources" }).getByLabel("Security info").check();
  await page.getByLabel("Grant").selectOption({ label: "Require authentication strength" });
  await page.getByLabel("Authentication strength (with Require authentication strength)").selectOption({ label: "Phishing-resistant MFA" });
  await page.getByLabel("Enable policy").selectOption({ label: "On" });
  await page.getByRole("button", { name: "Create policy" }).click();
  await expect(page.getByText(`Policy "${policyName}" saved.`)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: policyName })).toContainText("Require authentication strength: Phishing-resistant MFA");

  // What if: Bob can't satisfy it, Alice can with her passkey.
  await page.goto("/admin/conditional-access/what-if");
  await page.getByLabel("User").fill(bob.upn);
  await page.getByLabel("Resource").selectOption("Security info");
  await page.getByRole("button", { name: "What if" }).click();
  await expect(page.getByTestId("what-if-outcome")).toContainText(`Authentication strength required: Phishing-resistant MFA (${policyName}). The user holds no method that satisfies it`);
  await page.getByRole("textbox", { name: "User" }).fill(alice.upn);
  await page.getByRole("button", { name: "What if" }).click();
  await expect(page.getByTestId("what-if-outcome")).toContainText("The user can satisfy it with: Passkey (FIDO2).");

  // Alice's password is followed by her passkey only: no code is offered.
  await enterPassword(alicePage, alice.upn, alice.password);
  await expect(alicePage.getByRole("heading", { name: "Use your passkey" })).toBeVisible();
  await expect(alicePage.getByLabel("Code", { exact: true })).toHaveCount(0);
  await alicePage.getByRole("button", { name: "Use passkey" }).click();
  await expectOnSecurityInfo(alicePage);

  // Bob's password + token can't meet it, but he may register a passkey: after his token code he
  // is sent to register one (the registration interrupt), then uses it, and only then gets in.
  const bobPage = await newPage(browser);
  await virtualAuthenticator(bobPage);
  await enterPassword(bobPage, bob.upn, bob.password);
  await enterCode(bobPage, await freshCode(bobToken));
  await expect(bobPage.getByRole("heading", { name: "Register a passkey" })).toBeVisible();
  await expect(bobPage.getByText("Your organisation requires a passkey to sign in to Security info (Phishing-resistant MFA). Register one now.")).toBeVisible();
  await expect(bobPage).toHaveURL(/\/login/);
  await bobPage.getByLabel("Passkey name").fill("Bob laptop");
  await bobPage.getByRole("button", { name: "Create passkey" }).click();
  await expect(bobPage.getByText("Passkey registered. Now use it to finish signing in.")).toBeVisible();
  await expect(bobPage.getByRole("heading", { name: "Use your passkey" })).toBeVisible();
  await expect(bobPage).toHaveURL(/\/login/);
  await bobPage.getByRole("button", { name: "Use passkey" }).click();
  await expectOnSecurityInfo(bobPage);
  await expect(bobPage.getByText("Bob laptop")).toBeVisible();
  expect(await db().auditEvent.count({ where: { actorId: bob.id, action: "Register passkey", result: "success" } })).toBe(1);

  // The sign-in log's Conditional Access tab shows the strength and its result for each.
  for (const [person, result] of [[alice, "Success"], [bob, "Success"]] as const) {
    await page.goto("/admin/sign-ins");
    await page.getByLabel("User", { exact: true }).fill(person.upn);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/user=/);
    await page.getByRole("table").getByRole("row").nth(1).getByRole("link").click();
    const panel = page.getByRole("region", { name: /Activity details/ });
    await panel.getByRole("tab", { name: "Conditional Access" }).click();
    const row = panel.getByRole("tabpanel").getByRole("row").filter({ hasText: policyName });
    await expect(row).toContainText(result);
    await expect(row).toContainText("Phishing-resistant MFA");
  }
});

test("a person without a passkey whom the passkey policy doesn't let add one is refused after the password, with what to do", async ({ page }) => {
  const user = await makeUser();
  await makeActivatedToken(user.id);
  const group = await db().group.create({ data: { name: unique("No self-service pilot "), members: { create: [{ userId: user.id }] } } });
  const policyName = unique("Phishing-resistant, no self-service ");
  policyNames.push(policyName);
  const saved = await saveConditionalAccessPolicy({
    db: db(), actor: systemActor,
    input: { name: policyName, state: "on", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [], resources: ["Security info"], grant: "requireAuthenticationStrength", authenticationStrength: "phishingResistantMfa" },
  });
  if (!saved.ok) throw new Error(saved.reason);
  const noSelfService = await saveMethodPolicy({ db: db(), method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], settings: { ...METHOD_POLICY_DEFAULTS.passkey.settings, allowSelfServiceSetup: false }, actor: systemActor });
  if (!noSelfService.ok) throw new Error(noSelfService.reason);
  try {
    await enterPassword(page, user.upn, user.password);
    await expect(page.getByText("You need a passkey to sign in to Security info: your organisation requires Phishing-resistant MFA there.")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Register a passkey" })).toHaveCount(0);
    await expect(page).toHaveURL(/\/login/);
  } finally {
    await saveMethodPolicy({ db: db(), method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], settings: METHOD_POLICY_DEFAULTS.passkey.settings, actor: systemActor });
  }
  expect(await db().signIn.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" } })).toMatchObject({
    status: "failure", failureReason: `Conditional Access policy ${policyName} requires authentication strength Phishing-resistant MFA and the user has no method that satisfies it`,
  });
});
