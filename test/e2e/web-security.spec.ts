import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser, db } from "./helpers";
import { encodeActionArguments, serverAction } from "./server-actions";
import { signInAs } from "./sign-in-as";

// W2, W3, A3 and R5 against the production server: cross-origin and `null`-origin posts to a
// server action are refused before it runs; every page and API answer carries the security
// headers; every cookie the sign-in sets is HttpOnly and SameSite (and Secure over HTTPS).

const baseURL = () => String(test.info().project.use.baseURL);

/** Posts "Sign out everywhere" (no input: it would bump the session version if it ran). */
async function postSignOutEverywhere(page: Page, origin: string | null) {
  const action = serverAction("signOutEverywhere");
  const { body, contentType } = await encodeActionArguments([undefined, new FormData()]);
  const headers: Record<string, string> = { "Next-Action": action.id, "Content-Type": contentType, Accept: "text/x-component" };
  if (origin !== null) headers.Origin = origin;
  return page.request.post(action.url, { data: body, headers, maxRedirects: 0 });
}

test.describe("cross-origin posts to server actions (W2)", () => {
  test("a foreign Origin, Origin: null and no Origin are refused with 403 and the action never runs; the portal's own origin gets through", async ({ page }) => {
    const user = await signInAs(page, null);
    const sessionVersion = async () => (await db().user.findUniqueOrThrow({ where: { id: user.id } })).sessionVersion;
    const before = await sessionVersion();
    for (const origin of ["https://evil.example", "null", "http://localhost.evil.example", null]) {
      const response = await postSignOutEverywhere(page, origin);
      expect(response.status(), `Origin: ${origin}`).toBe(403);
      expect(await response.text()).toContain("Cross-site requests are not accepted");
    }
    // A form post without the Next-Action header (how a no-JavaScript form submits) is refused too.
    const form = new FormData();
    form.append("$ACTION_ID_" + serverAction("signOutEverywhere").id, "");
    const mpa = await page.request.post("/mysecurityinfo", { multipart: form, headers: { Origin: "https://evil.example" }, maxRedirects: 0 });
    expect(mpa.status()).toBe(403);
    expect(await sessionVersion()).toBe(before);
    await expectOnSecurityInfoStill(page);

    // The control: the same request from the portal's own origin runs the action.
    const same = await postSignOutEverywhere(page, baseURL());
    expect(same.status()).toBe(200);
    expect(same.headers()["x-action-redirect"]).toMatch(/^\/login/);
    expect(await sessionVersion()).toBe(before + 1);
  });
});

async function expectOnSecurityInfoStill(page: Page) {
  await page.goto("/mysecurityinfo");
  await expectOnSecurityInfo(page);
}

/** The W3 headers of one answer; `nonce` is the CSP's script nonce. */
function checkSecurityHeaders(response: APIResponse, label: string): string {
  const headers = response.headers();
  const csp = headers["content-security-policy"] ?? "";
  const directives = new Map(csp.split(";").map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  const scriptSrc = directives.get("script-src") ?? [];
  const nonce = scriptSrc.find((value) => value.startsWith("'nonce-"))?.slice(7, -1) ?? "";
  expect(nonce.length, `${label}: script-src has a nonce`).toBeGreaterThanOrEqual(16);
  expect(scriptSrc, `${label}: no inline script without the nonce`).not.toContain("'unsafe-inline'");
  expect(scriptSrc, `${label}: no eval in production`).not.toContain("'unsafe-eval'");
  expect(directives.get("frame-ancestors"), label).toEqual(["'none'"]);
  expect(directives.get("object-src"), label).toEqual(["'none'"]);
  expect(headers["x-content-type-options"], label).toBe("nosniff");
  expect(headers["referrer-policy"], label).toMatch(/^(no-referrer|strict-origin-when-cross-origin|same-origin|strict-origin)$/);
  return nonce;
}

test.describe("security headers (W3, R5)", () => {
  test("pages and API routes carry a nonce CSP, frame-ancestors 'none', nosniff and a Referrer-Policy; the nonce is new each time and on every script", async ({ page }) => {
    const anonymousPages = ["/login", "/login?callbackUrl=%2Fadmin"];
    const apiRoutes = ["/api/health", "/api/auth/session", "/api/token-imports/no-such-record", "/api/audit/export?format=csv"];
    const nonces = new Set<string>();
    for (const path of [...anonymousPages, ...apiRoutes]) nonces.add(checkSecurityHeaders(await page.request.get(path, { maxRedirects: 0 }), path));
    const login = await page.request.get("/login");
    const html = await login.text();
    const nonce = checkSecurityHeaders(login, "/login again");
    nonces.add(nonce);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([]);
    expect(nonces.size).toBe(anonymousPages.length + apiRoutes.length + 1);

    // The upload route is outside proxy.ts (so its body streams uncut): static headers, no script at all.
    // So are the automation API and the verification API (answered before Next.js): the same JSON headers.
    const upload = await page.request.post("/api/token-imports?fileName=x.csv", { data: "x", headers: { Origin: baseURL() } });
    const automation = await page.request.get("/api/v1/directory/authenticationMethodDevices/hardwareOathDevices");
    const verify = await page.request.post("/api/verify", { data: { upn: "nobody@contoso.example", code: "123456" } });
    for (const [label, response] of [["token upload", upload], ["automation API", automation], ["verification API", verify]] as const) {
      expect(response.status(), label).toBe(401);
      expect(response.headers()["content-security-policy"], label).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers()["x-content-type-options"], label).toBe("nosniff");
      expect(response.headers()["x-frame-options"], label).toBe("DENY");
      expect(response.headers()["referrer-policy"], label).toBeTruthy();
    }

    // Signed in: the portal's and the console's pages, and a refusal, carry them too.
    await signInAs(page, "Global Administrator");
    for (const path of ["/mysecurityinfo", "/mysignins", "/admin", "/admin/tokens", "/admin/users", "/api/sign-ins/export?format=json"]) {
      const response = await page.request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBe(200);
      checkSecurityHeaders(response, path);
    }
  });

  test("password reset pages send Referrer-Policy: no-referrer (R5); HSTS only behind HTTPS", async ({ request }) => {
    for (const path of ["/passwordreset", "/passwordreset/verify", "/passwordreset?upn=alice%40contoso.example"]) {
      const response = await request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBeLessThan(500);
      expect(response.headers()["referrer-policy"], path).toBe("no-referrer");
    }
    expect((await request.get("/login")).headers()["strict-transport-security"]).toBeUndefined();
    const https = await request.get("/login", { headers: { "X-Forwarded-Proto": "https" } });
    expect(https.headers()["strict-transport-security"]).toMatch(/max-age=\d{7,}/);
  });
});

/** Every Set-Cookie header the browser received while `run` signed a user in. */
async function cookiesSetDuring(page: Page, run: (seen: string[]) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  page.on("response", async (response) => {
    for (const header of await response.headersArray()) if (header.name.toLowerCase() === "set-cookie") seen.push(...header.value.split("\n"));
  });
  await run(seen);
  return seen;
}

function attributes(cookie: string): { name: string; flags: string[] } {
  const [pair, ...rest] = cookie.split(";").map((part) => part.trim());
  return { name: pair!.split("=")[0]!, flags: rest.map((flag) => flag.toLowerCase()) };
}

test.describe("session cookies (A3)", () => {
  for (const https of [false, true]) {
    test(`every cookie the sign-in sets is HttpOnly and SameSite${https ? ", and Secure behind HTTPS" : ""}`, async ({ browser }) => {
      const context = await browser.newContext({ baseURL: baseURL(), extraHTTPHeaders: https ? { "X-Forwarded-Proto": "https" } : {} });
      const page = await context.newPage();
      const user = await makeUser();
      const token = await makeActivatedToken(user.id);
      const cookies = await cookiesSetDuring(page, async (cookies) => {
        await enterPassword(page, user.upn, user.password);
        await enterCode(page, await freshCode(token));
        // Behind "HTTPS" the final redirect goes to https://, which this plain server can't answer:
        // the session cookie has arrived by then, and that is what is checked.
        await expect.poll(() => cookies.some((cookie) => cookie.includes("authjs.session-token="))).toBe(true);
      });
      // A deletion (the spent pending handle) sets nothing: its attributes don't matter.
      const parsed = cookies.filter((cookie) => !/expires=thu, 01 jan 1970/i.test(cookie) && !/max-age=0\b/i.test(cookie)).map(attributes);
      const names = parsed.map((cookie) => cookie.name);
      // The pending sign-in handle and the session itself were both among them.
      expect(names).toContain("portal.pending-sign-in");
      expect(names.some((name) => /authjs\.session-token$/.test(name))).toBe(true);
      for (const { name, flags } of parsed) {
        expect(flags, name).toContain("httponly");
        expect(flags.some((flag) => flag === "samesite=lax" || flag === "samesite=strict"), `${name}: ${flags.join("; ")}`).toBe(true);
        if (https) expect(flags, name).toContain("secure");
      }
      if (https) expect(names.filter((name) => name.includes("session-token"))).toEqual(["__Secure-authjs.session-token"]);
      await context.close();
    });
  }
});
