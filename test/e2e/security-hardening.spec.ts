import { expect, test } from "@playwright/test";
import { saveConditionalAccessPolicy } from "../../lib/conditional-access/policy-store";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser } from "./helpers";
import { encodeActionArguments, serverAction } from "./server-actions";
import { signInAs } from "./sign-in-as";

// Findings 2, 3, 7 and 8 of the outside review (issue 12), attacked through the running portal
// and a real browser.

const baseURL = () => String(test.info().project.use.baseURL);
const portalOrigin = () => new URL(baseURL()).origin;

test.describe("open redirect (finding 2)", () => {
  test("/moreinformation?callbackUrl=/%09/evil.example/phish stays on the portal; %0A gives no 500", async ({ page }) => {
    await signInAs(page, null);
    const answer = await page.request.get("/moreinformation?callbackUrl=/%09/evil.example/phish", { maxRedirects: 0 });
    expect(answer.status()).toBe(307);
    expect(new URL(answer.headers().location!, baseURL()).origin).toBe(portalOrigin());
    // The browser follows it and is still on the portal.
    await page.goto("/moreinformation?callbackUrl=/%09/evil.example/phish");
    expect(new URL(page.url()).origin).toBe(portalOrigin());
    for (const value of ["/%0A", "/%0D%0ALocation:%20https://evil.example", "//evil.example", "/%5Cevil.example", "https:evil.example", "javascript:alert(1)"]) {
      const reply = await page.request.get(`/moreinformation?callbackUrl=${value}`, { maxRedirects: 0 });
      expect(reply.status(), value).toBeLessThan(500);
      if (reply.headers().location) expect(new URL(reply.headers().location!, baseURL()).origin, value).toBe(portalOrigin());
    }
  });

  test("chained through /login, a genuine sign-in lands on the portal, not on the attacker's host", async ({ page }) => {
    const user = await makeUser();
    await enterPassword(page, user.upn, user.password, "/moreinformation?callbackUrl=/%09/evil.example/phish");
    await expect(page).toHaveURL(new RegExp(`^${portalOrigin()}/`));
    await expect(page.getByRole("heading", { name: "Security info" })).toBeVisible();
  });
});

test.describe("Conditional Access per resource (finding 3)", () => {
  test("Bob, blocked from the Admin console, signs in for Security info: the console and its actions stay closed", async ({ page }) => {
    const bob = await makeUser({ roles: ["Global Administrator"] });
    const token = await makeActivatedToken(bob.id);
    const group = await db().group.create({ data: { name: `ca-e2e-blocked-${bob.id}` } });
    await db().groupMember.create({ data: { groupId: group.id, userId: bob.id } });
    const saved = await saveConditionalAccessPolicy({
      db: db(), actor: { id: null, upn: "system" },
      input: { name: `Block console for ${bob.id}`, state: "on", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [], resources: ["Admin console"], grant: "block" },
    });
    expect(saved.ok).toBe(true);

    await enterPassword(page, bob.upn, bob.password, "/mysecurityinfo");
    await enterCode(page, await freshCode(token));
    await expectOnSecurityInfo(page);

    await page.goto("/admin");
    await expect(page).toHaveURL(/\/login\?.*reason=blocked/);
    await expect(page.getByText("Conditional Access policy blocks you")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Admin console" })).toHaveCount(0);

    // An admin action posted straight from the session is refused too, and changes nothing.
    const action = serverAction("createGroupAction");
    const form = new FormData();
    form.append("name", `created-by-blocked-${bob.id}`);
    form.append("description", "");
    const { body, contentType } = await encodeActionArguments([undefined, form]);
    const reply = await page.request.post(action.url, { data: body, headers: { "Next-Action": action.id, "Content-Type": contentType, Accept: "text/x-component", Origin: baseURL() }, maxRedirects: 0 });
    expect(await reply.text()).toContain("blocks you from signing in to Admin console");
    expect(await db().group.count({ where: { name: `created-by-blocked-${bob.id}` } })).toBe(0);

    // Every attempt is in the sign-in log, for the Admin console, as a failure.
    const rows = await db().signIn.findMany({ where: { userId: bob.id, resource: "Admin console" } });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((row) => row.status === "failure")).toBe(true);
  });
});

test.describe("X-Forwarded-For from a client (finding 7)", () => {
  test("a spoofed header does not become the sign-in log's IP", async ({ browser }) => {
    const context = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "203.0.113.250", "X-Real-IP": "203.0.113.251" } });
    const page = await context.newPage();
    const user = await makeUser();
    await enterPassword(page, user.upn, user.password);
    await expectOnSecurityInfo(page);
    const row = await db().signIn.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" } });
    expect(row.ipAddress).not.toMatch(/203\.0\.113\.25[01]/);
    expect(row.ipAddress).toMatch(/^(127\.0\.0\.1|::1)$/);
    await context.close();
  });
});

test.describe("Sign out revokes the session (finding 8)", () => {
  test("a copy of the cookie taken before Sign out is refused afterwards, by pages and by /api/auth/session", async ({ page, browser }) => {
    await signInAs(page, null);
    const cookies = await page.context().cookies();
    expect(cookies.some((cookie) => cookie.name.includes("authjs.session-token"))).toBe(true);

    const thief = await browser.newContext();
    await thief.addCookies(cookies);
    const stolen = await thief.newPage();
    await stolen.goto("/mysecurityinfo");
    await expectOnSecurityInfo(stolen);

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login\?reason=signedOut/);

    await stolen.goto("/mysecurityinfo");
    await expect(stolen).toHaveURL(/\/login/);
    const fresh = await browser.newContext();
    await fresh.addCookies(cookies);
    const session = await fresh.request.get("/api/auth/session");
    expect(await session.json()).toBeNull();
    await thief.close();
    await fresh.close();
  });
});
