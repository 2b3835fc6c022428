import { expect, test, type Page } from "@playwright/test";
import { systemActor } from "../../lib/audit/write-audit-event";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { unique } from "../support/factories";
import { latestEmailCode } from "../support/email-codes";
import { db, enterCode, enterPassword, expectOnSecurityInfo, makeActivatedToken, makeUser, rememberSecret } from "./helpers";
import { signInAs } from "./sign-in-as";

/** The code in the latest mail to `address`, read from the e2e database's outbox as a person reads their mail. */
async function mailedCode(address: string): Promise<string> {
  return rememberSecret(await latestEmailCode(address));
}

/** Submits a form and waits for the server action's answer. */
async function clickAndWait(page: Page, button: ReturnType<Page["getByRole"]>) {
  await Promise.all([page.waitForResponse((response) => response.request().method() === "POST"), button.click()]);
}

test.beforeAll(async () => {
  // The demo seed turns email codes on for everyone; say so here too, whatever ran before.
  const saved = await saveMethodPolicy({ db: db(), method: "email", enabled: true, includeAllUsers: true, groupIds: [], settings: {}, actor: systemActor });
  if (!saved.ok) throw new Error(saved.reason);
});

test.describe("Email one-time codes", () => {
  test("a user adds email in Security info with the code mailed to it, and reads the mail in the demo mailbox", async ({ page }) => {
    const user = await makeUser();
    const address = `${unique("inbox")}@mail.example`;
    await enterPassword(page, user.upn, user.password);
    await expectOnSecurityInfo(page);

    await page.getByRole("button", { name: "+ Add sign-in method" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Which method would you like to add?").selectOption({ label: "Email" });
    await dialog.getByRole("button", { name: "Next" }).click();
    await dialog.getByLabel("Email address").fill(address);
    await clickAndWait(page, dialog.getByRole("button", { name: "Send code", exact: true }));
    await expect(dialog.getByText(`We sent an 8-digit code to ${address}`)).toBeVisible();
    // Not usable before it is confirmed.
    expect(await db().emailMethod.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ address, confirmedAt: null });

    // A wrong code is refused and the address stays unconfirmed.
    const code = await mailedCode(address);
    const wrong = rememberSecret(String((Number(code) + 1) % 1e8).padStart(8, "0"));
    await dialog.getByLabel("Enter the code from the email").fill(wrong);
    await clickAndWait(page, dialog.getByRole("button", { name: "Confirm", exact: true }));
    await expect(dialog.getByText(/That code didn't work/)).toBeVisible();
    await dialog.getByLabel("Enter the code from the email").fill(code);
    await clickAndWait(page, dialog.getByRole("button", { name: "Confirm", exact: true }));
    await expect(dialog.getByText(`Email ${address} was added.`)).toBeVisible();
    await dialog.getByRole("button", { name: "Done" }).click();

    const list = page.getByRole("list", { name: "Sign-in methods" });
    await expect(list.getByRole("listitem").filter({ hasText: "Email" })).toContainText(address);
    expect((await db().emailMethod.findUniqueOrThrow({ where: { userId: user.id } })).confirmedAt).not.toBeNull();

    // The demo's stand-in mailbox shows the user their own mail: the code and the notice.
    await page.getByRole("link", { name: "My mail (demo)" }).click();
    await expect(page.getByRole("heading", { name: "My mail (demo)" })).toBeVisible();
    const mail = page.getByRole("table", { name: "Your mail, newest first" });
    await expect(mail.getByText("An email address was added to your sign-in methods")).toBeVisible();
    await mail.getByText("Confirm your email address for sign-in").first().click();
    await expect(mail.getByText(`Your verification code is ${code}.`)).toBeVisible();
  });

  test("a user signs in with an email code through Sign in another way", async ({ page }) => {
    const user = await makeUser();
    await makeActivatedToken(user.id);
    const address = `${unique("signin")}@mail.example`;
    await db().emailMethod.create({ data: { userId: user.id, address, confirmedAt: new Date() } });

    await enterPassword(page, user.upn, user.password);
    await expect(page.getByRole("heading", { name: "Enter code" })).toBeVisible();
    await expect(page.getByText(/hardware token/)).toBeVisible();
    await page.getByRole("button", { name: "Sign in another way" }).click();
    const masked = `${address[0]}•••@mail.example`;
    await page.getByRole("button", { name: `Send a code to ${masked}` }).click();
    await expect(page.getByText(`Send a code to ${masked}.`)).toBeVisible();

    await clickAndWait(page, page.getByRole("button", { name: "Send code", exact: true }));
    await expect(page.getByText(`We sent a code to ${masked}`)).toBeVisible();
    await enterCode(page, await mailedCode(address));
    await expectOnSecurityInfo(page);

    const record = await db().signIn.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" }, include: { steps: { orderBy: { position: "asc" } } } });
    expect(record).toMatchObject({ status: "success", authRequirement: "multiFactor" });
    expect(record.steps.map((s) => [s.method, s.detail, s.succeeded])).toEqual([["Password", "", true], ["Email code", masked, true]]);
  });

  test("a Global Administrator reads mail in the admin console's Outbox", async ({ page }) => {
    const address = `${unique("outbox")}@mail.example`;
    const subject = `Outbox check ${unique("")}`;
    await db().outboxMessage.create({ data: { to: address, subject, body: "A notice for the outbox page.\n\nSecond paragraph." } });

    await signInAs(page, "Global Administrator");
    await page.getByRole("link", { name: "Outbox" }).click();
    await expect(page.getByRole("heading", { name: "Outbox" })).toBeVisible();
    await page.getByLabel("Recipient").fill(address);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(new RegExp(`to=${encodeURIComponent(address)}`));
    const table = page.getByRole("table", { name: "Outbox, newest first" });
    await expect(table.getByRole("row")).toHaveCount(2);
    await expect(table.getByRole("row").nth(1)).toContainText(address);
    await expect(table.getByRole("row").nth(1)).toContainText("In the outbox");
    await table.getByText(subject).click();
    await expect(table.getByText("Second paragraph.")).toBeVisible();
  });
});
