import { expect, type Page } from "@playwright/test";
import type { Role } from "../../lib/auth/permissions";
import { enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser } from "./helpers";

/**
 * Signs a new user in on `page`: with a role, to the admin console through password and a token
 * code (the console needs MFA); without one, to Security info with the password alone.
 */
export async function signInAs(page: Page, role: Role | null) {
  const user = await makeUser({ roles: role ? [role] : [] });
  if (!role) {
    await enterPassword(page, user.upn, user.password);
    await expectOnSecurityInfo(page);
    return user;
  }
  const token = await makeActivatedToken(user.id);
  await enterPassword(page, user.upn, user.password, "/admin");
  await enterCode(page, await freshCode(token));
  await expect(page.getByRole("heading", { name: "Admin console" })).toBeVisible();
  return user;
}
