import type { DatabaseOrTransaction } from "../db/client";
import { latestMail, type OutboxRow } from "../notify/outbox-list";
import { normaliseUpn } from "../users/create-user";
import { DEMO_SETTING_KEY } from "./seed-demo-organisation";

/** Whether this database was seeded as the demo organisation (the demo-only pages and commands need it). */
export async function isDemoOrganisation(options: { db: DatabaseOrTransaction }): Promise<boolean> {
  return (await options.db.setting.findUnique({ where: { key: DEMO_SETTING_KEY } })) !== null;
}

/**
 * A person's mail: mail to their UPN (notices), mail to their email method's address sent since
 * they confirmed it, and mail written for their account (e.g. the code that confirms an address
 * they are adding). Never mail to an address just because they typed it: an address someone else
 * uses (and confirmed) would otherwise show them that person's codes — anyone may type any
 * address before confirming it, and a confirmed address belongs to one account (email-method.ts).
 */
async function mailboxOf(db: DatabaseOrTransaction, user: { id: string; upn: string }) {
  const email = await db.emailMethod.findUnique({ where: { userId: user.id }, select: { address: true, confirmedAt: true } });
  const confirmed = email?.confirmedAt ? { address: email.address, since: email.confirmedAt } : null;
  return {
    addresses: [user.upn, ...(confirmed ? [confirmed.address] : [])],
    where: {
      OR: [
        { to: user.upn },
        { userId: user.id },
        ...(confirmed ? [{ to: confirmed.address, createdAt: { gte: confirmed.since } }] : []),
      ],
    },
  };
}

/**
 * The demo mailbox of a signed-in demo user: their latest mail (mailboxOf), read from the outbox
 * — live codes included, as in a real inbox (outbox-retention.ts says how long they stay). Null
 * outside the demo: there, mail reaches real mailboxes, and the admin console's outbox masks codes.
 */
export async function demoMailbox(options: { db: DatabaseOrTransaction; userId: string; take?: number }): Promise<{ addresses: string[]; messages: OutboxRow[] } | null> {
  const { db } = options;
  if (!(await isDemoOrganisation({ db }))) return null;
  const user = await db.user.findUnique({ where: { id: options.userId }, select: { id: true, upn: true } });
  if (!user) return null;
  const { addresses, where } = await mailboxOf(db, user);
  return { addresses, messages: await latestMail({ db, where, take: options.take ?? 50 }) };
}

export type DemoMailResult = { ok: true; addresses: string[]; messages: OutboxRow[] } | { ok: false; message: string };

/**
 * `npm run demo:mail`: the latest mail for a demo user (by UPN: their mailbox, as on /mymail) or
 * to one address — for the signed-out cases, such as a password reset with an email code.
 */
export async function demoMailFor(options: { db: DatabaseOrTransaction; who: string; take?: number }): Promise<DemoMailResult> {
  const { db } = options;
  if (!(await isDemoOrganisation({ db }))) return { ok: false, message: "This database is not the demo organisation: real mail is read in the admin console's Outbox (Global Administrators)." };
  const who = normaliseUpn(options.who);
  const user = await db.user.findUnique({ where: { upn: who }, select: { id: true, upn: true } });
  // By UPN: that person's mailbox; by address: whatever went to it (the operator's view).
  const { addresses, where } = user ? await mailboxOf(db, user) : { addresses: [who], where: { to: who } };
  return { ok: true, addresses, messages: await latestMail({ db, where, take: options.take ?? 5 }) };
}
