import { rolesAllow, type Permission } from "../auth/permissions";

type Section = { href: string; label: string; permission: Permission };

/**
 * The admin console's navigation, grouped as Entra's is, with the permission each section needs;
 * the nav shows only what a user may open (a group with nothing left disappears).
 */
const GROUPS: { label: string | null; sections: Section[] }[] = [
  { label: null, sections: [{ href: "/admin", label: "Overview", permission: "adminConsole.view" }] },
  {
    label: "Hardware tokens",
    sections: [
      { href: "/admin/tokens", label: "Token inventory", permission: "tokens.read" },
      { href: "/admin/tokens/upload", label: "Upload tokens", permission: "tokens.upload" },
      { href: "/admin/tokens/uploads", label: "Upload results", permission: "tokens.upload" },
      { href: "/admin/tokens/find", label: "Find token by code", permission: "tokens.read" },
    ],
  },
  {
    label: "Users and groups",
    sections: [
      { href: "/admin/users", label: "Users", permission: "users.read" },
      { href: "/admin/groups", label: "Groups", permission: "users.read" },
    ],
  },
  { label: "Roles", sections: [{ href: "/admin/roles", label: "Roles and administrators", permission: "roles.manage" }] },
  {
    label: "Protection",
    sections: [
      { href: "/admin/methods-policy", label: "Authentication methods", permission: "policies.manage" },
      { href: "/admin/conditional-access", label: "Conditional Access", permission: "conditionalAccess.manage" },
      { href: "/admin/password-reset", label: "Password reset", permission: "sspr.manage" },
    ],
  },
  {
    label: "Monitoring",
    sections: [
      { href: "/admin/sign-ins", label: "Sign-in logs", permission: "signIns.read" },
      { href: "/admin/audit", label: "Audit logs", permission: "audit.read" },
      { href: "/admin/outbox", label: "Outbox", permission: "outbox.read" },
    ],
  },
];

export type AdminNavGroup = { label: string | null; links: { href: string; label: string }[] };

/** The nav groups and links the user's roles allow, in the console's order. */
export function adminSectionsFor(roles: readonly string[]): AdminNavGroup[] {
  return GROUPS.map((group) => ({
    label: group.label,
    links: group.sections.filter((section) => rolesAllow(roles, section.permission)).map(({ href, label }) => ({ href, label })),
  })).filter((group) => group.links.length > 0);
}
