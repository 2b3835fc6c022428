import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ROLES, type Role } from "../../lib/auth/permissions";
import type { CurrentUser } from "../../lib/server/current-user";
import { actionEntries, ADMIN_ROUTE_TABLE, filesNamed, unlistedAdminFiles } from "../support/admin-route-table";

// The action side of the role × route/action matrix (W1, W4): every server action under
// app/admin, called as each role, a plain user, an anonymous visitor and an admin whose session
// skipped MFA, refuses or lets through exactly as the table says. The caller is swapped in at the
// DAL (getCurrentUser); the action itself, validatedAction and the permission table are real.
// Allowed callers send an empty form, so they stop at validation and nothing changes.

let caller: CurrentUser | null = null;
vi.mock("../../lib/server/current-user", () => ({
  getCurrentUser: async () => caller,
  // Conditional Access lets the caller in (its own evaluation is tested in security-hardening.test.ts).
  enterResourceAs: async () => ({ outcome: "allowed" }),
  requireUser: async () => { throw new Error("pages are not under test here"); },
  requirePermission: async () => { throw new Error("pages are not under test here"); },
}));

const root = path.resolve(__dirname, "../..");
const DENIED = "You don't have permission to do this. Ask a Global Administrator for the right role.";
const SIGNED_OUT = "Your session has ended. Sign in again to continue.";
const NO_MFA = "This needs a sign-in with a second method. Sign out and sign in again with your code.";

type Action = (previous: undefined, formData: FormData) => Promise<{ error?: string }>;

function asCaller(roles: Role[], mfa = true): CurrentUser {
  return { id: "matrix-caller", upn: "matrix@contoso.example", displayName: "Matrix", roles, sessionId: "matrix-session", sessionMfaAt: mfa ? Date.now() : null, session: { id: "matrix-session", userId: "matrix-caller", expiresAt: new Date(Date.now() + 3_600_000), mfaAt: mfa ? new Date() : null, authMethods: [], resources: ["Security info", "Admin console"] } };
}

async function loadAction(file: string, name: string): Promise<Action> {
  const actionModule = (await import(path.join(root, file))) as Record<string, unknown>;
  expect(actionModule[name], `${file} exports ${name}`).toBeTypeOf("function");
  return actionModule[name] as Action;
}

beforeEach(() => { caller = null; });

describe("the table lists every admin page, route handler and action", () => {
  it("has an entry for each page.tsx under app/admin and route.ts under app/api", () => {
    expect(unlistedAdminFiles(root)).toEqual([]);
  });

  it("has an entry for each action exported from an actions.ts under app/admin", async () => {
    const listed = new Set(actionEntries().map((entry) => `${entry.file}#${entry.action}`));
    const unlisted: string[] = [];
    for (const file of filesNamed(root, "app/admin", "actions.ts")) {
      const actionModule = (await import(path.join(root, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(actionModule)) {
        if (typeof value === "function" && !listed.has(`${file}#${name}`)) unlisted.push(`${file}#${name}`);
      }
    }
    expect(unlisted).toEqual([]);
  });

  it("lists no file that doesn't exist", () => {
    expect(ADMIN_ROUTE_TABLE.map((entry) => entry.file).filter((file) => !fs.existsSync(path.join(root, file)))).toEqual([]);
  });
});

describe.each(actionEntries().map((entry) => [`${entry.file} ${entry.action}`, entry] as const))("%s", (_name, entry) => {
  it("refuses an anonymous visitor and a plain user", async () => {
    const action = await loadAction(entry.file, entry.action);
    caller = null;
    expect((await action(undefined, new FormData())).error).toBe(SIGNED_OUT);
    caller = asCaller([]);
    expect((await action(undefined, new FormData())).error).toBe(DENIED);
  });

  it.each(ROLES.map((role) => [role]))("as %s: exactly the table's outcome", async (role) => {
    const action = await loadAction(entry.file, entry.action);
    caller = asCaller([role]);
    const result = await action(undefined, new FormData());
    if (entry.allow.includes(role)) {
      expect(result.error).not.toBe(DENIED);
      expect(result.error).not.toBe(SIGNED_OUT);
      // Allowed, but an admin session that skipped MFA is still refused.
      caller = asCaller([role], false);
      expect((await action(undefined, new FormData())).error).toBe(NO_MFA);
    } else {
      expect(result.error).toBe(DENIED);
    }
  });
});
