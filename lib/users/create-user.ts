import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import { hashPassword } from "../auth/password";
import type { Role } from "../auth/permissions";
import type { Database } from "../db/client";

/** UPNs are compared and stored in lower case, trimmed. */
export function normaliseUpn(upn: string): string {
  return upn.trim().toLowerCase();
}

/** Creates a user with a password (hashed with argon2id) and optional roles, audited. */
export async function createUser(options: {
  db: Database;
  upn: string;
  displayName: string;
  password: string;
  roles?: Role[];
  mustChangePassword?: boolean;
  actor: AuditActor;
}) {
  const upn = normaliseUpn(options.upn);
  const passwordHash = await hashPassword(options.password);
  return options.db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: {
        upn,
        displayName: options.displayName,
        passwordHash,
        mustChangePassword: options.mustChangePassword ?? false,
        roles: { create: (options.roles ?? []).map((role) => ({ role })) },
      },
    });
    await writeAuditEvent({
      db: tx,
      actor: options.actor,
      action: "Add user",
      target: { type: "user", id: user.id, label: upn },
      details: { roles: (options.roles ?? []).join(", ") },
    });
    return user;
  });
}
