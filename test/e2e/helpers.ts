import { expect, type Page } from "@playwright/test";
import { getDb } from "../../lib/db/client";
import { timeStepAt } from "../../lib/otp/totp";
import { tokenCode, type TestToken } from "../support/factories";

import { makeToken } from "../support/factories";

export { makeUser, tokenCode, wrongCode } from "../support/factories";
export const db = () => getDb();

/** Fills the account and password steps of the sign-in page. */
export async function enterPassword(page: Page, upn: string, password: string, callbackUrl = "/mysecurityinfo") {
  await page.goto(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByLabel("Email, phone or user name").fill(upn);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * Types a code and waits for the server's answer, so consecutive attempts never overlap. It
 * first waits for the previous attempt to settle (the button reads "Verify" again): React resets
 * the form when an action finishes, and would otherwise clear a code typed just before.
 */
export async function enterCode(page: Page, code: string) {
  await expect(page.getByRole("button", { name: "Verify", exact: true })).toBeEnabled();
  await page.getByLabel("Code", { exact: true }).fill(code);
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST"),
    page.getByRole("button", { name: "Verify", exact: true }).click(),
  ]);
}

/**
 * A token assigned to the user and activated a minute ago (as if an admin had done it then), so
 * the code it shows now has not been used and the test needn't wait for the next one.
 */
export function makeActivatedToken(userId: string) {
  return makeToken({ userId, now: new Date(Date.now() - 60_000) });
}

/**
 * Waits until the token's current step has not been used yet (its activation or an earlier test
 * used it) and returns that step's code — a person would wait for the next code the same way.
 */
export async function freshCode(token: TestToken): Promise<string> {
  for (;;) {
    const stored = await getDb().hardwareToken.findUniqueOrThrow({ where: { id: token.id }, select: { lastUsedStep: true } });
    const now = new Date();
    if (timeStepAt({ now, period: token.period, t0: 0 }) > stored.lastUsedStep) return tokenCode(token, now);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export async function expectOnSecurityInfo(page: Page) {
  await expect(page).toHaveURL(/\/mysecurityinfo$/);
  await expect(page.getByRole("heading", { name: "Security info" })).toBeVisible();
}
