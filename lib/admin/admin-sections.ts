import { rolesAllow, type Permission } from "../auth/permissions";

/** The admin console's sections and the permission each needs; the nav shows only what a user may open. */
const SECTIONS: { href: string; label: string; permission: Permission }[] = [
  { href: "/admin", label: "Overview", permission: "adminConsole.view" },
  { href: "/admin/tokens", label: "Hardware tokens", permission: "tokens.read" },
  { href: "/admin/tokens/upload", label: "Upload tokens", permission: "tokens.upload" },
  { href: "/admin/tokens/uploads", label: "Upload results", permission: "tokens.upload" },
  { href: "/admin/tokens/find", label: "Find token by code", permission: "tokens.read" },
  { href: "/admin/users", label: "Users", permission: "users.read" },
  { href: "/admin/groups", label: "Groups", permission: "users.read" },
  { href: "/admin/roles", label: "Roles and administrators", permission: "roles.manage" },
  { href: "/admin/methods-policy", label: "Authentication methods", permission: "policies.manage" },
  { href: "/admin/applications", label: "Enterprise applications", permission: "applications.manage" },
  { href: "/admin/conditional-access", label: "Conditional Access", permission: "conditionalAccess.manage" },
  { href: "/admin/password-reset", label: "Password reset", permission: "sspr.manage" },
  { href: "/admin/sign-ins", label: "Sign-in logs", permission: "signIns.read" },
  { href: "/admin/audit", label: "Audit logs", permission: "audit.read" },
  { href: "/admin/outbox", label: "Outbox", permission: "outbox.read" },
];

export function adminSectionsFor(roles: readonly string[]) {
  return SECTIONS.filter((section) => rolesAllow(roles, section.permission)).map(({ href, label }) => ({ href, label }));
}
