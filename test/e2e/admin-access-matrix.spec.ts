import path from "node:path";
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { ROLES, type Role } from "../../lib/auth/permissions";
import { pageEntries, routeEntries, unlistedAdminFiles } from "../support/admin-route-table";
import { signInAs } from "./sign-in-as";

// The role × route matrix (W1, W4) against the running build: every admin page and route handler
// of test/support/admin-route-table.ts, requested as each built-in role (signed in with MFA), a
// plain user and an anonymous visitor, gets exactly the table's outcome. One signed-in browser
// context per caller; each URL is then fetched with that context's cookies, without following
// redirects. The action side is test/integration/directory-access-matrix.test.ts.

type Caller = Role | "plain user" | "anonymous";

async function signedInRequest(browser: Browser, caller: Caller): Promise<{ request: APIRequestContext; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  if (caller !== "anonymous") {
    const page = await context.newPage();
    await signInAs(page, caller === "plain user" ? null : caller);
    await page.close();
  }
  return { request: context.request, close: () => context.close() };
}

/** What each URL answered, where it differs from the table: "GET /admin/users: 403, expected 200". */
async function mismatches(request: APIRequestContext, caller: Caller): Promise<string[]> {
  const problems: string[] = [];
  const origin = String(test.info().project.use.baseURL);
  for (const entry of pageEntries()) {
    const response = await request.get(entry.path, { maxRedirects: 0 });
    const status = response.status();
    const location = response.headers().location ?? "";
    if (caller === "anonymous") {
      if (![303, 307, 308].includes(status) || !location.includes("/login")) problems.push(`page ${entry.path}: ${status} ${location}, expected a redirect to /login`);
    } else {
      const expected = caller !== "plain user" && entry.allow.includes(caller) ? (entry.allowedStatus ?? 200) : 403;
      if (status !== expected) problems.push(`page ${entry.path}: ${status} ${location}, expected ${expected}`);
    }
  }
  for (const entry of routeEntries()) {
    // Same-origin, as the portal's own pages send them: only the permission decides.
    const response = await request.fetch(entry.path, { method: entry.method, maxRedirects: 0, headers: { Origin: origin } });
    const status = response.status();
    const label = `route ${entry.method} ${entry.path}`;
    if (entry.allow === "public") {
      if (status === 401 || status === 403 || status >= 500) problems.push(`${label}: ${status}, expected it open to everyone`);
    } else if (entry.allow === "verificationApiKey") {
      // No session opens the machine API; only its key does (test/e2e/verification-api.spec.ts).
      if (status !== 401) problems.push(`${label}: ${status}, expected 401 without the API key`);
    } else if (caller === "anonymous") {
      if (status !== 401) problems.push(`${label}: ${status}, expected 401`);
    } else if (caller === "plain user" || !entry.allow.includes(caller)) {
      if (status !== 403) problems.push(`${label}: ${status}, expected 403`);
    } else if (entry.allowedStatus ? status !== entry.allowedStatus : status === 401 || status === 403 || status >= 500) {
      problems.push(`${label}: ${status}, expected ${entry.allowedStatus ?? "to be let through"}`);
    }
  }
  return problems;
}

test("the matrix table lists every admin page and route handler", () => {
  expect(unlistedAdminFiles(path.resolve(__dirname, "../.."))).toEqual([]);
});

for (const caller of ["anonymous", "plain user", ...ROLES] as const) {
  const who = caller === "anonymous" ? "an anonymous visitor" : caller === "plain user" ? "a plain user" : caller;
  test(`as ${who}: every admin page and route handler answers as the table says`, async ({ browser }) => {
    const { request, close } = await signedInRequest(browser, caller);
    try {
      expect(await mismatches(request, caller)).toEqual([]);
    } finally {
      await close();
    }
  });
}
