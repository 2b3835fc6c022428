import { describe, expect, it } from "vitest";
import { adminSectionsFor } from "../../../lib/admin/admin-sections";

const labels = (roles: string[]) => adminSectionsFor(roles).map((group) => [group.label, group.links.map((link) => link.label)]);

describe("the admin console's navigation", () => {
  it("shows a Global Administrator every group, in Entra's order", () => {
    expect(labels(["Global Administrator"])).toEqual([
      [null, ["Overview"]],
      ["Hardware tokens", ["Token inventory", "Upload tokens", "Upload results", "Find token by code"]],
      ["Users and groups", ["Users", "Groups"]],
      ["Roles", ["Roles and administrators"]],
      ["Protection", ["Authentication methods", "Conditional Access", "Password reset"]],
      ["Monitoring", ["Sign-in logs", "Audit logs", "Outbox"]],
    ]);
  });

  it("leaves out what a role may not open, and a group with nothing left", () => {
    expect(labels(["Security Reader"])).toEqual([
      [null, ["Overview"]],
      ["Users and groups", ["Users", "Groups"]],
      ["Monitoring", ["Sign-in logs", "Audit logs"]],
    ]);
    expect(labels(["Authentication Policy Administrator"]).map(([group]) => group)).not.toContain("Roles");
  });

  it("shows nothing to a user without an admin role", () => {
    expect(adminSectionsFor([])).toEqual([]);
  });
});
