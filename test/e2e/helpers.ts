import fs from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { getDb } from "../../lib/db/client";
import { timeStepAt } from "../../lib/otp/totp";
import * as factories from "../support/factories";
import type { TestToken } from "../support/factories";

export const db = () => getDb();

/**
 * Every password, code, TAP and seed the e2e run types or creates, one per line, for
 * server-log.spec.ts to look for in the server's log (none may be there). The helpers below
 * register what they make or type; a spec that types a secret some other way calls this itself.
 */
export const SECRETS_FILE = path.join(process.env.PORTAL_DATA_DIR ?? "test-results/e2e-data", "e2e-secrets.txt");

export function rememberSecret(value: string): string {
  if (value.trim() === "") return value;
  // Other configs (the scale-out run) may use a data folder no server has created yet.
  fs.mkdirSync(path.dirname(SECRETS_FILE), { recursive: true });
  fs.appendFileSync(SECRETS_FILE, `${JSON.stringify(value)}\n`);
  return value;
}

export async function makeUser(...args: Parameters<typeof factories.makeUser>) {
  const user = await factories.makeUser(...args);
  rememberSecret(user.password);
  return user;
}

export async function makeToken(...args: Parameters<typeof factories.makeToken>) {
  const token = await factories.makeToken(...args);
  rememberSecret(token.secret.toString("hex"));
  return token;
}

export function tokenCode(...args: Parameters<typeof factories.tokenCode>) {
  return rememberSecret(factories.tokenCode(...args));
}

export function wrongCode(...args: Parameters<typeof factories.wrongCode>) {
  return rememberSecret(factories.wrongCode(...args));
}

/** Fills the account and password steps of the sign-in page. */
export async function enterPassword(page: Page, upn: string, password: string, callbackUrl = "/mysecurityinfo") {
  rememberSecret(password);
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
  rememberSecret(code);
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

/** Security info → Add sign-in method → the kind chosen; returns the dialog. */
export async function openAdd(page: Page, kind: "Authenticator app" | "Hardware token") {
  await page.getByRole("button", { name: "+ Add sign-in method" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Which method would you like to add?").selectOption({ label: kind });
  await dialog.getByRole("button", { name: "Next" }).click();
  return dialog;
}

/** The sign-in's "Update your password" step, for a user holding a temporary password from an administrator. */
export async function updatePassword(page: Page, currentPassword: string, newPassword: string) {
  rememberSecret(currentPassword);
  rememberSecret(newPassword);
  await expect(page.getByRole("heading", { name: "Update your password" })).toBeVisible();
  await page.getByLabel("Current password", { exact: true }).fill(currentPassword);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Confirm new password", { exact: true }).fill(newPassword);
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST"),
    page.getByRole("button", { name: "Sign in", exact: true }).click(),
  ]);
}

export async function expectOnSecurityInfo(page: Page) {
  await expect(page).toHaveURL(/\/mysecurityinfo$/);
  await expect(page.getByRole("heading", { name: "Security info" })).toBeVisible();
}

/** A new user with an activated token, signed in with password + code (so Security info lets them add methods). */
export async function signInNewUserWithToken(page: Page) {
  const user = await makeUser();
  const token = await makeActivatedToken(user.id);
  await enterPassword(page, user.upn, user.password);
  await enterCode(page, await freshCode(token));
  await expectOnSecurityInfo(page);
  return { user, token };
}
