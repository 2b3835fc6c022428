import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { portalUrl } from "../notify/portal-url";

/**
 * The automation API's permissions, by Microsoft Graph's names. As application permissions they
 * are granted to an application by a Global Administrator (its client-credentials tokens carry
 * only the granted ones); as delegated scopes a person's token carries them and the person's own
 * roles still decide (lib/api/api-caller.ts).
 */
export const API_PERMISSIONS = [
  "Policy.Read.AuthenticationMethod",
  "Policy.ReadWrite.AuthenticationMethod",
  "UserAuthenticationMethod.Read.All",
  "UserAuthenticationMethod.ReadWrite.All",
  "AuditLog.Read.All",
] as const;
export type ApiPermission = (typeof API_PERMISSIONS)[number];

export const API_PERMISSION_DESCRIPTIONS: Record<ApiPermission, string> = {
  "Policy.Read.AuthenticationMethod": "Read the hardware token (OATH device) inventory",
  "Policy.ReadWrite.AuthenticationMethod": "Add, rename and delete hardware tokens in the inventory",
  "UserAuthenticationMethod.Read.All": "Read every user's authentication methods and default method",
  "UserAuthenticationMethod.ReadWrite.All": "Assign and activate hardware tokens, delete methods, issue Temporary Access Passes, set default methods",
  "AuditLog.Read.All": "Read the sign-in logs and the audit log",
};

export function isApiPermission(value: string): value is ApiPermission {
  return (API_PERMISSIONS as readonly string[]).includes(value);
}

/** The claim of a person's API access token naming the portal session it came from (lib/api/api-caller.ts checks it is still open). */
export const PORTAL_SESSION_CLAIM = "portal_sid";

/** The audience (resource indicator) of the API's access tokens: `<PORTAL_BASE_URL>/api/v1`. */
export function apiAudience(): string {
  return portalUrl("api/v1");
}

/** The application permissions granted to the application with this client id. */
export async function grantedApiPermissions(options: { db: DatabaseOrTransaction; clientId: string }): Promise<ApiPermission[]> {
  const rows = await options.db.applicationApiPermission.findMany({
    where: { application: { clientId: options.clientId } },
    select: { permission: true },
    orderBy: { permission: "asc" },
  });
  return rows.map((r) => r.permission).filter(isApiPermission);
}

/** The permissions of one application as the console lists them. */
export async function listApplicationApiPermissions(options: { db: DatabaseOrTransaction; applicationId: string }) {
  return options.db.applicationApiPermission.findMany({
    where: { applicationId: options.applicationId },
    select: { permission: true, grantedByUpn: true, grantedAt: true },
    orderBy: { permission: "asc" },
  });
}

/**
 * Grants (or revokes) an application permission (admin consent, Global Administrator only — the
 * caller checks the role). Audited in the same transaction. Tokens already issued keep their
 * scopes until they expire (at most an hour); the API checks the grant again on each request.
 */
export async function setApplicationApiPermission(options: {
  db: Database;
  applicationId: string;
  permission: string;
  granted: boolean;
  actor: AuditActor;
  now: Date;
}): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { permission } = options;
  if (!isApiPermission(permission)) return { ok: false, reason: `Unknown permission. Choose one of: ${API_PERMISSIONS.join(", ")}.` };
  return options.db.$transaction(async (tx) => {
    const app = await tx.application.findUnique({ where: { id: options.applicationId }, select: { id: true, name: true, isPublic: true } });
    if (!app) return { ok: false as const, reason: "This application no longer exists. Go back to the list." };
    if (options.granted && app.isPublic) return { ok: false as const, reason: "A public application has no secret, so it can't use the client-credentials grant: application permissions need a confidential application." };
    const key = { applicationId_permission: { applicationId: app.id, permission } };
    if (options.granted) {
      await tx.applicationApiPermission.upsert({ where: key, create: { applicationId: app.id, permission, grantedByUpn: options.actor.upn, grantedAt: options.now }, update: {} });
    } else {
      await tx.applicationApiPermission.deleteMany({ where: { applicationId: app.id, permission } });
    }
    await writeAuditEvent({
      db: tx,
      actor: options.actor,
      action: options.granted ? "Grant API permission" : "Revoke API permission",
      target: { type: "application", id: app.id, label: app.name },
      details: { permission },
    });
    return { ok: true as const };
  });
}
