import { describe, expect, it } from "vitest";
import { PERMISSIONS, ROLES, isAdmin, rolesAllow, rolesAllowOnTarget } from "../../../lib/auth/permissions";

describe("the permission table", () => {
  it("denies everything to a user with no role", () => {
    for (const permission of PERMISSIONS) expect(rolesAllow([], permission)).toBe(false);
  });

  it("gives the Global Administrator everything", () => {
    for (const permission of PERMISSIONS) expect(rolesAllow(["Global Administrator"], permission)).toBe(true);
  });

  it("ignores unknown role names", () => {
    expect(rolesAllow(["Owner", "root"], "adminConsole.view")).toBe(false);
    expect(isAdmin(["Owner"])).toBe(false);
  });

  it("lets token activation be delegated without Global Administrator", () => {
    expect(rolesAllow(["Authentication Administrator"], "tokens.activate")).toBe(true);
    expect(rolesAllow(["Authentication Administrator"], "roles.manage")).toBe(false);
  });

  it("keeps Authentication and Helpdesk Administrators to non-admin targets", () => {
    expect(rolesAllowOnTarget(["Helpdesk Administrator"], "users.resetPassword", [])).toBe(true);
    expect(rolesAllowOnTarget(["Helpdesk Administrator"], "users.resetPassword", ["Security Reader"])).toBe(false);
    expect(rolesAllowOnTarget(["Authentication Administrator"], "methods.manage", ["Global Administrator"])).toBe(false);
    expect(rolesAllowOnTarget(["Privileged Authentication Administrator"], "methods.manage", ["Global Administrator"])).toBe(true);
  });

  it("lets the Security Reader read logs and change nothing", () => {
    expect(rolesAllow(["Security Reader"], "signIns.read")).toBe(true);
    expect(rolesAllow(["Security Reader"], "audit.read")).toBe(true);
    for (const permission of PERMISSIONS.filter((p) => !p.endsWith(".read") && !p.endsWith(".view"))) {
      expect(rolesAllow(["Security Reader"], permission), permission).toBe(false);
    }
  });

  it("lets the Application Administrator manage applications and nothing else", () => {
    expect(PERMISSIONS.filter((p) => rolesAllow(["Application Administrator"], p))).toEqual(["adminConsole.view", "applications.manage"]);
    expect(rolesAllow(["Authentication Policy Administrator"], "applications.manage")).toBe(false);
  });

  it("names the seven built-in roles", () => expect(ROLES).toHaveLength(7));
});
