import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { SSPR_POLICY_DEFAULTS, ssprPolicySchema, type SsprPolicy } from "./sspr-policy-model";

/** The password reset settings live in the organisation's key/value settings, as one JSON value. */
const SETTING_KEY = "passwordResetPolicy";

/** The saved settings, or the defaults when none were saved (or the stored value can't be read). */
export async function getSsprPolicy(options: { db: DatabaseOrTransaction }): Promise<SsprPolicy> {
  const row = await options.db.setting.findUnique({ where: { key: SETTING_KEY } });
  if (!row) return SSPR_POLICY_DEFAULTS;
  try {
    const parsed = ssprPolicySchema.safeParse({ ...SSPR_POLICY_DEFAULTS, ...JSON.parse(row.value) });
    return parsed.success ? parsed.data : SSPR_POLICY_DEFAULTS;
  } catch {
    return SSPR_POLICY_DEFAULTS;
  }
}

export type SaveSsprPolicyResult = { ok: true } | { ok: false; reason: string };

/**
 * Saves the settings with their audit event in one transaction. The input is parsed again here so
 * no caller can store an impossible combination; a group that no longer exists is refused too.
 */
export async function saveSsprPolicy(options: { db: Database; policy: unknown; actor: AuditActor }): Promise<SaveSsprPolicyResult> {
  const parsed = ssprPolicySchema.safeParse(options.policy);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((issue) => issue.message).join(" ") };
  const policy: SsprPolicy = { ...parsed.data, groupId: parsed.data.enabledFor === "selected" ? parsed.data.groupId : null };
  return options.db.$transaction(async (tx): Promise<SaveSsprPolicyResult> => {
    if (policy.groupId && !(await tx.group.findUnique({ where: { id: policy.groupId }, select: { id: true } }))) {
      return { ok: false, reason: "The chosen group no longer exists. Reload the page and choose again." };
    }
    const value = JSON.stringify(policy);
    await tx.setting.upsert({ where: { key: SETTING_KEY }, create: { key: SETTING_KEY, value }, update: { value } });
    await writeAuditEvent({
      db: tx,
      actor: options.actor,
      action: "Update password reset policy",
      target: { type: "passwordResetPolicy", id: SETTING_KEY, label: "Password reset" },
      details: {
        enabledFor: policy.enabledFor,
        groupId: policy.groupId,
        methodsRequired: policy.methodsRequired,
        methods: policy.methods.join(","),
        requireRegistration: policy.requireRegistration,
        reconfirmDays: policy.reconfirmDays,
        notifyUsers: policy.notifyUsers,
        notifyAdmins: policy.notifyAdmins,
      },
    });
    return { ok: true };
  });
}
