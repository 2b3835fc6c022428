import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { enterCode, enterPassword, expectOnSecurityInfo } from "./helpers";

const dataDir = process.env.PORTAL_DATA_DIR!;
const root = path.join(__dirname, "..", "..");

/** Runs `npm run demo:code -- <serial>`'s script against the e2e database. */
function demoCode(serial: string): { stdout: string; status: number } {
  try {
    const stdout = execFileSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "lib/cli/demo-code.ts", serial], { cwd: root, env: process.env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { stdout, status: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; status: number };
    return { stdout: failed.stdout + failed.stderr, status: failed.status };
  }
}

test("the printed demo credentials and demo:code sign Alice in", async ({ page }) => {
  const file = path.join(dataDir, "demo-credentials.txt");
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const text = fs.readFileSync(file, "utf8");
  const alice = /alice@contoso\.example\s+(\S+)\s+token (\S+)/.exec(text);
  expect(alice).not.toBeNull();
  const [, password, serial] = alice!;

  await enterPassword(page, "alice@contoso.example", password);
  await expect(page.getByRole("heading", { name: "Enter code" })).toBeVisible();
  // The seed activated the token with the code of its first step; wait for an unused one as a person would.
  let printed = demoCode(serial);
  expect(printed.status).toBe(0);
  while (printed.stdout.includes("already used")) {
    await page.waitForTimeout(2000);
    printed = demoCode(serial);
  }
  const code = /: (\d{6}) /.exec(printed.stdout)![1];
  await enterCode(page, code);
  await expectOnSecurityInfo(page);
  await expect(page.getByText(`Serial number ${serial}`)).toBeVisible();
});

test("demo:code explains an unknown serial", () => {
  const result = demoCode("NOPE0000");
  expect(result.status).toBe(1);
  expect(result.stdout).toContain("No hardware token has serial number NOPE0000");
});

test("health reports the database and pages carry the security headers", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok", database: { ok: true, provider: "sqlite" } });

  const login = await request.get("/login");
  const headers = login.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBeTruthy();
  expect(headers["x-powered-by"]).toBeUndefined();
});
