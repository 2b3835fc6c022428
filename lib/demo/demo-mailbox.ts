import type { DatabaseOrTransaction } from "../db/client";
import { latestMailTo, type OutboxRow } from "../notify/outbox-list";
import { normaliseUpn } from "../users/create-user";
import { DEMO_SETTING_KEY } from "./seed-demo-organisation";

/** Whether this database was seeded as the demo organisation (the demo-only pages and commands need it). */
export async function isDemoOrganisation(options: { db: DatabaseOrTransaction }): Promise<boolean> {
  return (await options.db.setting.findUnique({ where: { key: DEMO_SETTING_KEY } })) !== null;
}

/** The addresses a person's mail goes to: their UPN (notices) and their email method (codes). */
async function addressesOf(db: DatabaseOrTransaction, user: { id: string; upn: string }): Promise<string[]> {
  const email = await db.emailMethod.findUnique({ where: { userId: user.id }, select: { address: true } });
  return [user.upn, ...(email ? [email.address] : [])];
}

/**
 * The demo mailbox of a signed-in demo user: the latest mail to their UPN and email address, read
 * from the outbox. Null outside the demo — a real organisation's outbox (codes included) is only
 * for Global Administrators.
 */
export async function demoMailbox(options: { db: DatabaseOrTransaction; userId: string; take?: number }): Promise<{ addresses: string[]; messages: OutboxRow[] } | null> {
  const { db } = options;
  if (!(await isDemoOrganisation({ db }))) return null;
  const user = await db.user.findUnique({ where: { id: options.userId }, select: { id: true, upn: true } });
  if (!user) return null;
  const addresses = await addressesOf(db, user);
  return { addresses, messages: await latestMailTo({ db, addresses, take: options.take ?? 50 }) };
}

export type DemoMailResult = { ok: true; addresses: string[]; messages: OutboxRow[] } | { ok: false; message: string };

/**
 * `npm run demo:mail`: the latest mail for a demo user (by UPN: their UPN and email method) or to
 * one address — for the signed-out cases, such as a password reset with an email code.
 */
export async function demoMailFor(options: { db: DatabaseOrTransaction; who: string; take?: number }): Promise<DemoMailResult> {
  const { db } = options;
  if (!(await isDemoOrganisation({ db }))) return { ok: false, message: "This database is not the demo organisation: real mail is read in the admin console's Outbox (Global Administrators)." };
  const who = normaliseUpn(options.who);
  const user = await db.user.findUnique({ where: { upn: who }, select: { id: true, upn: true } });
  const addresses = user ? await addressesOf(db, user) : [who];
  return { ok: true, addresses, messages: await latestMailTo({ db, addresses, take: options.take ?? 5 }) };
}
