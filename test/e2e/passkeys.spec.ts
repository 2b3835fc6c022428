import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { systemActor } from "../../lib/audit/write-audit-event";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import type { PasskeySettings } from "../../lib/policies/passkey-policy-model";
import { db, enterPassword, expectOnSecurityInfo, signInNewUserWithToken } from "./helpers";
import { startAddingPasskey as addPasskey, virtualAuthenticator } from "./passkey-helpers";

async function passkeyPolicy(settings: Partial<PasskeySettings>) {
  const saved = await saveMethodPolicy({
    db: db(), method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], actor: systemActor,
    settings: { ...METHOD_POLICY_DEFAULTS.passkey.settings, ...settings },
  });
  if (!saved.ok) throw new Error(saved.reason);
}


async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/login/);
}

async function signInWithPasskey(page: Page) {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
}

test.afterEach(async () => {
  await passkeyPolicy({});
});

test("a person registers a passkey in Security info, signs out, and signs in with it without typing their account", async ({ page }) => {
  const { user } = await signInNewUserWithToken(page);
  await virtualAuthenticator(page);
  const dialog = await addPasskey(page, "Test laptop");
  await expect(dialog.getByText("Passkey Test laptop was added.")).toBeVisible();
  await dialog.getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("list", { name: "Sign-in methods" }).getByRole("listitem").filter({ hasText: "Test laptop" });
  await expect(row).toContainText("Passkey");
  await expect(row).toContainText(/created \d{4}-\d{2}-\d{2} · not used yet/);

  await signOut(page);
  await signInWithPasskey(page);
  await expectOnSecurityInfo(page);
  await expect(row).toContainText(/last used \d{4}-\d{2}-\d{2}/);
  const signIn = await db().signIn.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" }, include: { steps: true } });
  expect(signIn).toMatchObject({ status: "success", authRequirement: "multiFactor" });
  expect(signIn.steps).toMatchObject([{ method: "Passkey", detail: "Test laptop", requirement: "primary", userVerified: true }]);
});

test("the passkey answers the second step after the password when it is the default", async ({ page }) => {
  const { user } = await signInNewUserWithToken(page);
  await virtualAuthenticator(page);
  await expect((await addPasskey(page, "Second step key")).getByText("was added")).toBeVisible();
  await db().user.update({ where: { id: user.id }, data: { defaultMethod: "passkey" } });
  await page.context().clearCookies();

  await enterPassword(page, user.upn, user.password);
  await expect(page.getByRole("heading", { name: "Use your passkey" })).toBeVisible();
  await page.getByRole("button", { name: "Use passkey" }).click();
  await expectOnSecurityInfo(page);
  const signIn = await db().signIn.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" }, include: { steps: { orderBy: { position: "asc" } } } });
  expect(signIn.steps.map((s) => [s.method, s.requirement, s.succeeded])).toEqual([["Password", "primary", true], ["Passkey", "mfa", true]]);
});

test("a cloned passkey (its signature counter reset) is refused and audited", async ({ page }) => {
  await signInNewUserWithToken(page);
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await expect((await addPasskey(page, "Cloned key")).getByText("was added")).toBeVisible();
  await page.context().clearCookies();
  await signInWithPasskey(page);
  await expectOnSecurityInfo(page);

  // The same private key on a second device whose counter starts again from zero.
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials[0].signCount).toBeGreaterThan(0);
  await cdp.send("WebAuthn.removeCredential", { authenticatorId, credentialId: credentials[0].credentialId });
  await cdp.send("WebAuthn.addCredential", { authenticatorId, credential: { ...credentials[0], signCount: 0 } });
  await page.context().clearCookies();
  await signInWithPasskey(page);
  await expect(page.getByText("That passkey didn't work here.")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  const stored = await db().passkey.findFirstOrThrow({ where: { name: "Cloned key" }, orderBy: { createdAt: "desc" } });
  const audit = await db().auditEvent.findFirst({ where: { targetId: stored.id, action: { contains: "possible cloned key" } } });
  expect(audit?.result).toBe("failure");
});

test("a policy that blocks the authenticator's model refuses its registration, saying why", async ({ page }) => {
  const { user } = await signInNewUserWithToken(page);
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await expect((await addPasskey(page, "Allowed first")).getByText("was added")).toBeVisible();
  const { aaguid } = await db().passkey.findFirstOrThrow({ where: { userId: user.id } });
  await passkeyPolicy({ keyRestrictions: "block", aaguids: [aaguid] });

  // The same model again (a fresh credential, so the browser doesn't stop it as already registered).
  await cdp.send("WebAuthn.clearCredentials", { authenticatorId });
  await page.reload();
  const dialog = await addPasskey(page, "Blocked key");
  await expect(dialog.getByText(`Your organisation doesn't allow this kind of passkey (AAGUID ${aaguid})`)).toBeVisible();
  expect(await db().passkey.count({ where: { userId: user.id } })).toBe(1);
});

test("enforced attestation refuses the virtual authenticator's attestation with the reason", async ({ page }) => {
  // A root the admin uploaded that the virtual authenticator's attestation doesn't chain to.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "passkey-root-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "root.pem"), "-days", "2", "-subj", "/CN=Contoso FIDO Root"], { stdio: "ignore" });
  await passkeyPolicy({ enforceAttestation: true, rootCertificates: [fs.readFileSync(path.join(dir, "root.pem"), "utf8")] });

  const { user } = await signInNewUserWithToken(page);
  await virtualAuthenticator(page);
  const dialog = await addPasskey(page, "Unattested key");
  await expect(dialog.getByText(/requires proof of who made the passkey \(attestation\), and this one can't give it: /)).toBeVisible();
  expect(await db().passkey.count({ where: { userId: user.id } })).toBe(0);
});
