import { writeAuditEvent } from "../audit/write-audit-event";
import { rolesAllowOnTarget, type Permission } from "../auth/permissions";
import type { Database, Transaction } from "../db/client";
import type { TokenAdmin, TokenHolder } from "../tokens/assignment-rules";

/** An admin acting in the console (the same shape the token actions take): audited, limited by roles. */
export type DirectoryAdmin = TokenAdmin;

export type DirectoryResult<Success extends object = object> = ({ ok: true } & Success) | { ok: false; reason: string };

export const USER_NOT_FOUND = "This user no longer exists. Go back to the user list.";

type Details = Record<string, string | number | boolean | null>;

/**
 * The frame of a console action on one user: in one transaction, load the user with their
 * roles, refuse (audited) when the admin's role may not act on them — Authentication and
 * Helpdesk Administrators manage non-admin users only — then let `work` change them; `succeed`
 * writes the audit event in the same transaction (W5).
 */
export function runUserAction<Success extends object>(
  options: { db: Database; userId: string; actor: DirectoryAdmin; action: string; permission: Permission },
  work: (context: {
    tx: Transaction;
    target: TokenHolder & { enabled: boolean };
    refuse: (reason: string) => Promise<{ ok: false; reason: string }>;
    succeed: (details?: Details) => Promise<void>;
  }) => Promise<DirectoryResult<Success>>,
): Promise<DirectoryResult<Success>> {
  const { actor, action } = options;
  return options.db.$transaction(async (tx) => {
    const row = await tx.user.findUnique({
      where: { id: options.userId },
      select: { id: true, upn: true, displayName: true, enabled: true, roles: { select: { role: true } } },
    });
    if (!row) return { ok: false as const, reason: USER_NOT_FOUND };
    const target = { ...row, roles: row.roles.map((r) => r.role) };
    const userTarget = { type: "user", id: target.id, label: target.upn };
    const refuse = async (reason: string) => {
      await writeAuditEvent({ db: tx, actor, action, target: userTarget, result: "failure", details: { reason } });
      return { ok: false as const, reason };
    };
    if (!rolesAllowOnTarget(actor.roles, options.permission, target.roles)) {
      return refuse(`${target.upn} holds an admin role; your role may manage non-admin users only. Ask a Privileged Authentication Administrator or Global Administrator.`);
    }
    return work({ tx, target, refuse, succeed: (details) => writeAuditEvent({ db: tx, actor, action, target: userTarget, details }) });
  });
}
