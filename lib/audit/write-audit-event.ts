import type { DatabaseOrTransaction } from "../db/client";

/** Who did something: a signed-in person, or the system itself (seed, CLI, background job). */
export type AuditActor = { id: string | null; upn: string; ipAddress?: string };

export const systemActor: AuditActor = { id: null, upn: "system" };

/**
 * Writes one audit event. Call it with the transaction that makes the change so the event and
 * the change commit together (W5). `details` must never hold codes, seeds or passwords.
 */
export type AuditEventInput = {
  actor: AuditActor;
  action: string;
  target?: { type: string; id: string; label: string };
  result?: "success" | "failure";
  details?: Record<string, string | number | boolean | null>;
};

export async function writeAuditEvent(options: AuditEventInput & { db: DatabaseOrTransaction }): Promise<void> {
  await options.db.auditEvent.create({ data: auditEventColumns(options) });
}

/** The audit row's columns, for writers that insert it with SQL of their own (bulk import). */
export function auditEventColumns(options: AuditEventInput) {
  return {
    actorId: options.actor.id,
    actorUpn: options.actor.upn,
    ipAddress: options.actor.ipAddress ?? "",
    action: options.action,
    targetType: options.target?.type ?? "",
    targetId: options.target?.id ?? "",
    targetLabel: options.target?.label ?? "",
    result: options.result ?? "success",
    details: JSON.stringify(options.details ?? {}),
  };
}
