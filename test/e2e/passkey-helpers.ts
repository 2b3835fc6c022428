import { expect, type CDPSession, type Locator, type Page } from "@playwright/test";

/** Chromium's DevTools virtual authenticator: a platform passkey provider with resident keys and user verification. */
export async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { cdp, authenticatorId };
}

/** Security info → Add sign-in method → Passkey → name → the browser's ceremony; the dialog, whatever the answer. */
export async function startAddingPasskey(page: Page, name: string): Promise<Locator> {
  await page.getByRole("button", { name: "+ Add sign-in method" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Which method would you like to add?").selectOption({ label: "Passkey" });
  await dialog.getByRole("button", { name: "Next" }).click();
  await dialog.getByLabel("Passkey name").fill(name);
  await dialog.getByRole("button", { name: "Create passkey" }).click();
  return dialog;
}

/** The same, expecting the passkey to be added; the dialog is left open. */
export async function addPasskey(page: Page, name: string): Promise<Locator> {
  const dialog = await startAddingPasskey(page, name);
  await expect(dialog.getByText(`Passkey ${name} was added.`)).toBeVisible();
  return dialog;
}
