import crypto from "node:crypto";
import type { Database } from "../db/client";
import { runUserAction, type DirectoryAdmin, type DirectoryResult } from "./user-action";
import { notifyUser } from "../notify/notify-user";
import { methodsAllowedForUser } from "../policies/methods-policy";
import { generateTemporaryAccessPass, hashTemporaryAccessPass, utcMinute } from "../methods/temporary-access-pass";

export const TAP_NOT_ENABLED_REASON = "Turn on Temporary Access Pass in Authentication methods for this user first (admin console → Authentication methods).";

/** A pass may be issued to start later, but not further ahead than the longest lifetime Entra allows. */
const MAX_START_DELAY_MINUTES = 30 * 24 * 60;

export type IssuedTemporaryAccessPass = { upn: string; pass: string; startsAt: Date; expiresAt: Date; oneTimeUse: boolean; replaced: boolean };

/**
 * Issues a Temporary Access Pass to a user from the admin console. The authentication methods
 * policy must enable TAP for the user; the lifetime (default: the policy's) must lie within the
 * policy's minimum and maximum; the length is the policy's; the pass is one-time when the policy
 * says so (otherwise as the admin chooses). Authentication Administrators issue to non-admins
 * only (runUserAction judges the target). The pass replaces any earlier one, is stored only as a
 * keyed hash and is returned this once; the audit event and the user's notice never hold it.
 */
export function issueTemporaryAccessPass(options: {
  db: Database;
  userId: string;
  actor: DirectoryAdmin;
  lifetimeMinutes?: number;
  oneTimeUse?: boolean;
  startsAt?: Date;
  now?: Date;
}): Promise<DirectoryResult<IssuedTemporaryAccessPass>> {
  const now = options.now ?? new Date();
  return runUserAction({ ...options, action: "Temporary Access Pass issued", permission: "tap.issue" }, async ({ tx, target, refuse, succeed }) => {
    if (!target.enabled) return refuse(`${target.upn} is disabled and can't sign in. Enable the account first.`);
    const { allowed, policy } = await methodsAllowedForUser({ db: tx, userId: target.id });
    if (!allowed.has("temporaryAccessPass")) return refuse(TAP_NOT_ENABLED_REASON);
    const settings = policy.temporaryAccessPass.settings;

    const lifetimeMinutes = options.lifetimeMinutes ?? settings.defaultLifetimeMinutes;
    if (!Number.isInteger(lifetimeMinutes) || lifetimeMinutes < settings.minLifetimeMinutes || lifetimeMinutes > settings.maxLifetimeMinutes) {
      return refuse(`Choose a lifetime between ${settings.minLifetimeMinutes} and ${settings.maxLifetimeMinutes} minutes (the Temporary Access Pass policy's limits).`);
    }
    // A start a moment in the past (the form's "now") is now; further back or too far ahead is refused.
    const startsAt = options.startsAt && options.startsAt > now ? options.startsAt : now;
    if (options.startsAt && options.startsAt.getTime() < now.getTime() - 5 * 60_000) return refuse("The start time is in the past. Leave it empty to start now.");
    if (startsAt.getTime() - now.getTime() > MAX_START_DELAY_MINUTES * 60_000) return refuse("The start time can be at most 30 days ahead.");
    const expiresAt = new Date(startsAt.getTime() + lifetimeMinutes * 60_000);
    // The policy's "one-time use" makes every pass one-time; otherwise the admin chooses.
    const oneTimeUse = settings.oneTimeUse || options.oneTimeUse === true;

    const pass = generateTemporaryAccessPass(settings.length);
    const data = { passHash: hashTemporaryAccessPass(pass), oneTimeUse, startsAt, expiresAt, usedAt: null, createdById: options.actor.id, createdByUpn: options.actor.upn, createdAt: now };
    const replaced = (await tx.temporaryAccessPass.count({ where: { userId: target.id } })) > 0;
    // One row per user, written by one upsert on the unique userId (concurrent issues can't make
    // two); a new id each time, so a form still naming the old pass finds nothing to delete.
    await tx.temporaryAccessPass.upsert({
      where: { userId: target.id },
      create: { id: crypto.randomUUID(), userId: target.id, ...data },
      update: { id: crypto.randomUUID(), ...data },
    });
    await notifyUser({
      db: tx,
      upn: target.upn,
      now,
      notice: {
        subject: "A Temporary Access Pass was issued for your account",
        what: `${options.actor.upn} issued a Temporary Access Pass for your account, valid from ${utcMinute(startsAt)} until ${utcMinute(expiresAt)}${oneTimeUse ? " (one-time use)" : ""}. Sign in with it and register a sign-in method in Security info.`,
      },
    });
    await succeed({ oneTimeUse, lifetimeMinutes, startsAt: startsAt.toISOString(), expiresAt: expiresAt.toISOString(), replacedPrevious: replaced });
    return { ok: true as const, upn: target.upn, pass, startsAt, expiresAt, oneTimeUse, replaced };
  });
}
