import * as client from "openid-client";
import { expect, test, type Page } from "@playwright/test";
import { unique } from "../support/factories";
import { db, makeUser, rememberSecret } from "./helpers";
import { encodeActionArguments, serverAction } from "./server-actions";
import { signInAs } from "./sign-in-as";

// The automation API's permissions in the console, in Chromium against `npm start`: a Global
// Administrator grants an application permission on the application's page (audited), the
// application's client-credentials token (openid-client, an independent OAuth client) then reads
// a user's methods through /api/v1; once revoked, a new token is refused with Graph's 403. An
// Application Administrator sees the permissions but no buttons, and a hand-posted grant is refused.
const PERMISSION = "UserAuthenticationMethod.ReadWrite.All";
const REDIRECT = "http://localhost:8123/callback";

async function registerConfidential(page: Page, name: string) {
  await page.goto("/admin/applications");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Redirect URIs", { exact: true }).fill(REDIRECT);
  await page.getByRole("button", { name: "Register" }).click();
  const message = page.getByText(/Registered\. Client ID: /);
  await expect(message).toBeVisible();
  const text = (await message.textContent()) ?? "";
  const secret = rememberSecret(/Client secret \(shown only now, copy it\): (\S+)/.exec(text)![1]);
  return { clientId: /Client ID: (\S+)/.exec(text)![1], secret };
}

async function openApplication(page: Page, name: string) {
  await page.goto("/admin/applications");
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  return page.getByRole("region", { name: "API permissions" });
}

/** A client-credentials token for the API (its audience is what the section shows), through openid-client. */
async function apiToken(baseURL: string, app: { clientId: string; secret: string }, audience: string) {
  const config = await client.discovery(new URL(`${baseURL}/oidc`), app.clientId, app.secret, undefined, { execute: [client.allowInsecureRequests] });
  const tokens = await client.clientCredentialsGrant(config, { scope: PERMISSION, resource: audience });
  return tokens;
}

test("a Global Administrator grants an API permission (audited); the app's token works until it is revoked", async ({ page, baseURL }) => {
  const admin = await signInAs(page, "Global Administrator");
  const name = unique("Provisioning ");
  const app = await registerConfidential(page, name);
  const person = await makeUser();
  const section = await openApplication(page, name);
  const audience = (await section.locator("p code").first().textContent())!;
  expect(audience).toBe(`${baseURL}/api/v1`);
  const row = section.getByRole("row").filter({ hasText: PERMISSION });
  await expect(row).toContainText("Not granted");

  await section.getByRole("form", { name: `Grant ${PERMISSION}` }).getByRole("button", { name: "Grant" }).click();
  await expect(section.getByText(`${PERMISSION} granted.`)).toBeVisible();
  await expect(row).toContainText(`Granted by ${admin.upn}`);
  await expect(section.getByRole("form", { name: `Revoke ${PERMISSION}` })).toBeVisible();

  // The Audit logs page shows the grant, by this admin, on this application.
  await page.goto(`/admin/audit?target=${encodeURIComponent(name)}&action=${encodeURIComponent("Grant API permission")}`);
  const audited = page.getByRole("table").getByRole("row");
  await expect(audited).toHaveCount(2);
  await expect(audited.nth(1)).toContainText(admin.upn);
  await expect(audited.nth(1)).toContainText(PERMISSION);

  // The token carries the permission; it reads a user's methods (Graph's path and shape).
  const granted = await apiToken(baseURL!, app, audience);
  expect(granted.scope).toBe(PERMISSION);
  const methodsUrl = `${baseURL}/api/v1/users/${person.id}/authentication/methods`;
  const read = await fetch(methodsUrl, { headers: { Authorization: `Bearer ${granted.access_token}` } });
  expect(read.status).toBe(200);
  expect((await read.json()).value).toEqual(expect.arrayContaining([expect.objectContaining({ "@odata.type": "#microsoft.graph.passwordAuthenticationMethod" })]));

  // Revoked in the console: a new token carries no permission and is refused in Graph's shape.
  const revokeSection = await openApplication(page, name);
  await revokeSection.getByRole("form", { name: `Revoke ${PERMISSION}` }).getByRole("button", { name: "Revoke" }).click();
  await expect(revokeSection.getByText(`${PERMISSION} revoked.`)).toBeVisible();
  await expect(revokeSection.getByRole("row").filter({ hasText: PERMISSION })).toContainText("Not granted");
  const revoked = await apiToken(baseURL!, app, audience);
  expect(revoked.scope).toBeUndefined();
  const refused = await fetch(methodsUrl, { headers: { Authorization: `Bearer ${revoked.access_token}` } });
  expect(refused.status).toBe(403);
  const body = await refused.json();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe("Authorization_RequestDenied");
  expect(body.error.message).toContain(PERMISSION);
  expect(await db().auditEvent.count({ where: { action: "Revoke API permission", targetLabel: name } })).toBe(1);
});

test("an Application Administrator sees the API permissions without grant buttons, and a hand-posted grant is refused", async ({ page, baseURL }) => {
  await signInAs(page, "Application Administrator");
  const name = unique("No consent ");
  const app = await registerConfidential(page, name);
  const section = await openApplication(page, name);
  await expect(section.getByText("Only a Global Administrator can grant or revoke them.")).toBeVisible();
  await expect(section.getByRole("row").filter({ hasText: PERMISSION })).toContainText("Not granted");
  await expect(section.getByRole("button")).toHaveCount(0);

  // The action posted straight from this session, as Next's client would: refused, nothing granted.
  const stored = await db().application.findUniqueOrThrow({ where: { clientId: app.clientId }, select: { id: true } });
  const action = serverAction("setApiPermissionAction");
  const form = new FormData();
  form.append("applicationId", stored.id);
  form.append("permission", PERMISSION);
  form.append("grant", "grant");
  const { body, contentType } = await encodeActionArguments([undefined, form]);
  const reply = await page.request.post(action.url, { data: body, headers: { "Next-Action": action.id, "Content-Type": contentType, Accept: "text/x-component", Origin: baseURL! }, maxRedirects: 0 });
  expect(await reply.text()).toContain("You don't have permission to do this.");
  expect(await db().applicationApiPermission.count({ where: { applicationId: stored.id } })).toBe(0);
  expect(await db().auditEvent.count({ where: { action: "Grant API permission", targetId: stored.id } })).toBe(0);
});
