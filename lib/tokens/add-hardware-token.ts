import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import { encryptSecret, secretFingerprint } from "../crypto/secret-box";
import type { DatabaseOrTransaction } from "../db/client";
import type { OathAlgorithm } from "../otp/totp";

export type NewHardwareToken = {
  serialNumber: string;
  manufacturer: string;
  model: string;
  secret: Buffer;
  period: 30 | 60;
  digits: 6 | 8;
  algorithm: OathAlgorithm;
  t0?: number;
};

/**
 * Adds one token to the inventory, seed encrypted at rest (S4), optionally assigned to a user
 * (status `assigned`, else `available`), with its audit event in the same transaction.
 */
export async function addHardwareToken(options: {
  db: DatabaseOrTransaction;
  token: NewHardwareToken;
  assignToUserId?: string | null;
  actor: AuditActor;
}) {
  const { db, token } = options;
  const created = await db.hardwareToken.create({
    data: {
      serialNumber: token.serialNumber,
      manufacturer: token.manufacturer,
      model: token.model,
      encryptedSecret: encryptSecret(token.secret),
      secretFingerprint: secretFingerprint(token.secret),
      period: token.period,
      digits: token.digits,
      algorithm: token.algorithm,
      t0: token.t0 ?? 0,
      userId: options.assignToUserId ?? null,
      status: options.assignToUserId ? "assigned" : "available",
    },
  });
  await writeAuditEvent({
    db,
    actor: options.actor,
    action: "Add hardware token",
    target: { type: "hardwareToken", id: created.id, label: created.serialNumber },
    details: { assigned: Boolean(options.assignToUserId), manufacturer: token.manufacturer, model: token.model },
  });
  return created;
}
