import crypto from "node:crypto";
import { systemActor } from "../../lib/audit/write-audit-event";
import type { Role } from "../../lib/auth/permissions";
import { getDb } from "../../lib/db/client";
import { codeAt, codeForStep, timeStepAt, type OathAlgorithm } from "../../lib/otp/totp";
import { activateHardwareToken } from "../../lib/tokens/activate-hardware-token";
import { addHardwareToken } from "../../lib/tokens/add-hardware-token";
import { createUser } from "../../lib/users/create-user";

/** A unique suffix so tests sharing one database never collide. */
export function unique(prefix: string): string {
  return `${prefix}${crypto.randomBytes(5).toString("hex")}`;
}

export async function makeUser(options: { password?: string; roles?: Role[]; upn?: string } = {}) {
  const password = options.password ?? `pw-${crypto.randomBytes(8).toString("hex")}`;
  const user = await createUser({
    db: getDb(),
    upn: options.upn ?? `${unique("user")}@contoso.example`,
    displayName: "Test User",
    password,
    roles: options.roles,
    actor: systemActor,
  });
  return { ...user, password };
}

export type TestToken = { id: string; serialNumber: string; secret: Buffer; period: 30 | 60; digits: 6 | 8; algorithm: OathAlgorithm; t0: number };

/** Adds a token with a known seed, assigned to the user, and (by default) activates it at `now` with `clockOffsetSteps` drift. */
export async function makeToken(options: {
  userId?: string;
  activate?: boolean;
  now?: Date;
  clockOffsetSteps?: number;
  period?: 30 | 60;
  digits?: 6 | 8;
  algorithm?: OathAlgorithm;
}): Promise<TestToken> {
  const token = {
    serialNumber: unique("SN"),
    manufacturer: "Feitian",
    model: "c200",
    secret: crypto.randomBytes(20),
    period: options.period ?? 30,
    digits: options.digits ?? 6,
    algorithm: options.algorithm ?? "SHA1",
    t0: 0,
  } as const;
  const created = await addHardwareToken({ db: getDb(), token, assignToUserId: options.userId ?? null, actor: systemActor });
  const result: TestToken = { id: created.id, ...token };
  if (options.userId && options.activate !== false) {
    const now = options.now ?? new Date();
    const code = tokenCode(result, now, options.clockOffsetSteps ?? 0);
    const activation = await activateHardwareToken({ db: getDb(), tokenId: created.id, code, actor: systemActor, now });
    if (!activation.ok) throw new Error(activation.reason);
  }
  return result;
}

/** The code a token whose clock is `offsetSteps` ahead shows at `now`. */
export function tokenCode(token: TestToken, now: Date, offsetSteps = 0): string {
  return codeAt({ ...token, now, driftSteps: offsetSteps });
}

/** A code of the token that is wrong at `now` for every step in ±`reach` (so a test can't pass by luck). */
export function wrongCode(token: TestToken, now: Date, reach = 3): string {
  const step = timeStepAt({ now, period: token.period, t0: token.t0 });
  const taken = new Set<string>();
  for (let s = step - reach; s <= step + reach; s++) taken.add(codeForStep({ ...token, step: s }));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(token.digits, "0");
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * A user acting on their own Security info in a session of their own: the session's record is
 * created here with its MFA time (`mfaAt`, now by default; null for a session without MFA).
 */
export async function makeSecurityInfoActor(user: { id: string; upn: string }, options: { mfaAt?: Date | null; ipAddress?: string } = {}) {
  const session = await getDb().userSession.create({
    data: { userId: user.id, expiresAt: new Date(Date.now() + 12 * 3_600_000), mfaAt: options.mfaAt === undefined ? new Date() : options.mfaAt, resources: "Security info" },
  });
  return { id: user.id, upn: user.upn, ipAddress: options.ipAddress ?? "203.0.113.9", sessionId: session.id };
}

/** Sets when the actor's session last did MFA (the fresh-MFA gate reads this, A4). */
export async function setSessionMfaAt(actor: { sessionId: string }, mfaAt: Date | null): Promise<void> {
  await getDb().userSession.update({ where: { id: actor.sessionId }, data: { mfaAt } });
}
