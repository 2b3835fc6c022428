import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database } from "../db/client";

/**
 * Ends every session of a user at once: the session version in each session cookie no longer
 * matches, and the data access layer refuses it on its next request, on every instance (A3).
 */
export async function revokeUserSessions(options: { db: Database; userId: string; actor: AuditActor; reason: string }): Promise<void> {
  await options.db.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: options.userId }, data: { sessionVersion: { increment: 1 } } });
    await writeAuditEvent({
      db: tx,
      actor: options.actor,
      action: "Revoke sessions",
      target: { type: "user", id: user.id, label: user.upn },
      details: { reason: options.reason },
    });
  });
}
