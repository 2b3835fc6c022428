import crypto from "node:crypto";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { encryptSecret } from "../../lib/crypto/secret-box";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser } from "./helpers";
import { signInAs } from "./sign-in-as";

// Screenshots of the pages people stumbled on — Security info, the token list, the sign-in log and
// an upload's result — at a laptop's and a phone's size, for a person to look at. They are test
// artifacts under test-results/screenshots (git-ignored), not baselines: nothing compares pixels.
// Each page is taken as the first screen (`name-WxH.png`) and whole (`name-WxH-full.png`).

const SIZES = [
  { name: "1280x800", width: 1280, height: 800 },
  { name: "390x844", width: 390, height: 844 },
];
const folder = path.join(__dirname, "..", "..", "test-results", "screenshots");

async function shoot(page: Page, name: string) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    // Let layout settle at the new width (client components re-render on resize only through CSS).
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    // What the screen shows first, and the whole page.
    await page.screenshot({ path: path.join(folder, `${name}-${size.name}.png`) });
    await page.screenshot({ path: path.join(folder, `${name}-${size.name}-full.png`), fullPage: true });
  }
}

test("screenshots of Security info, the token list, the sign-in log and an upload result at 1280×800 and 390×844", async ({ page, browser }) => {
  test.setTimeout(120_000);
  // Security info of a user who holds a token, an authenticator app and email, with a Temporary Access Pass.
  const user = await makeUser();
  const token = await makeActivatedToken(user.id);
  await db().hardwareToken.update({ where: { id: token.id }, data: { friendlyName: "Blue key fob" } });
  await db().authenticatorApp.create({ data: { userId: user.id, name: "Work phone", encryptedSecret: encryptSecret(crypto.randomBytes(20)), status: "active" } });
  await db().emailMethod.create({ data: { userId: user.id, address: `${user.id}@mail.example`, confirmedAt: new Date() } });
  await db().temporaryAccessPass.create({ data: { userId: user.id, passHash: "not a pass anyone can type", oneTimeUse: true, startsAt: new Date(), expiresAt: new Date(Date.now() + 3_600_000) } });
  const userContext = await browser.newContext({ baseURL: test.info().project.use.baseURL, timezoneId: "Europe/Berlin", locale: "en-GB" });
  const userPage = await userContext.newPage();
  await enterPassword(userPage, user.upn, user.password);
  await enterCode(userPage, await freshCode(token));
  await expectOnSecurityInfo(userPage);
  await shoot(userPage, "security-info");
  await userPage.goto("/mysignins");
  await shoot(userPage, "my-sign-ins");
  await userContext.close();

  await signInAs(page, "Global Administrator");
  await page.goto("/admin/tokens");
  await expect(page.getByRole("table")).toBeVisible();
  await shoot(page, "token-list");

  await page.goto("/admin/sign-ins");
  await page.getByRole("table").getByRole("link").first().click();
  await expect(page.getByRole("region", { name: /Activity details/ })).toBeVisible();
  await shoot(page, "sign-in-log");

  await page.goto("/admin/audit");
  await shoot(page, "audit-log");

  await page.setViewportSize(SIZES[0]);
  await page.goto("/admin/tokens/upload");
  const csv = [
    "upn,serial number,secret key,time interval,manufacturer,model",
    ",SHOT-OK-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200",
    "nobody@contoso.example,SHOT-BAD-1,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR,30,Feitian,c200",
    ",SHOT-BAD-2,21f8281bceb19fac4d4fd2f50cb95e0f720dfa7e,30,Feitian,c200",
    ",SHOT-BAD-3,GEZDGNBVGY3TQOJQ,45,Token2,C302",
  ].join("\n");
  await page.getByLabel("Token file (CSV or PSKC XML)").setInputFiles({ name: "vendor batch.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("failed-count")).toHaveText("3");
  await shoot(page, "upload-result");
});
