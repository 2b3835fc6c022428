import { getDb } from "../../lib/db/client";
import type { SecurityInfoActor } from "../../lib/methods/security-info-change";
import { getAuthenticationMethodsPolicy, saveMethodPolicy } from "../../lib/policies/methods-policy";
import { makeSecurityInfoActor, makeUser, unique } from "./factories";

/**
 * The code in the latest mail to `address` — read from the outbox, as a person reads their mail
 * (the database keeps only the code's hash). Throws when no code mail is there.
 */
export async function latestEmailCode(address: string): Promise<string> {
  const message = await getDb().outboxMessage.findFirst({
    where: { to: address.toLowerCase(), body: { contains: "Your verification code is" } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  const code = message && /Your verification code is (\d+)\./.exec(message.body)?.[1];
  if (!code) throw new Error(`No email code was sent to ${address}`);
  return code;
}

/**
 * Lets these users use email codes, on top of those already let (the methods policy is
 * organisation-wide, so tests enable it for their own users' group rather than for everyone).
 */
export async function enableEmailMethodFor(userIds: string[]): Promise<void> {
  const db = getDb();
  const group = await db.group.create({ data: { name: unique("email-users-") } });
  await db.groupMember.createMany({ data: userIds.map((userId) => ({ groupId: group.id, userId })) });
  const { email } = await getAuthenticationMethodsPolicy({ db });
  const earlier = email.enabled && !email.includeAllUsers ? email.groups.map((g) => g.id) : [];
  const saved = await saveMethodPolicy({ db, method: "email", enabled: true, includeAllUsers: false, groupIds: [...earlier, group.id], settings: {}, actor: { id: null, upn: "system" } });
  if (!saved.ok) throw new Error(saved.reason);
}

/** A confirmed email method, written directly: for tests of what happens after confirmation. */
export async function givenConfirmedEmailMethod(options: { userId: string; address?: string }): Promise<string> {
  const address = (options.address ?? `${unique("mail")}@mail.example`).toLowerCase();
  await getDb().emailMethod.create({ data: { userId: options.userId, address, confirmedAt: new Date() } });
  return address;
}

/** A user allowed to use email codes, acting on their own Security info with a fresh MFA. */
export async function emailUserWithFreshMfa() {
  const user = await makeUser();
  await enableEmailMethodFor([user.id]);
  const actor: SecurityInfoActor = await makeSecurityInfoActor(user, { ipAddress: "203.0.113.13" });
  return { user, actor };
}
