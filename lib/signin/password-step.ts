import { verifyPassword } from "../auth/password";
import { isAdmin } from "../auth/permissions";
import type { Database } from "../db/client";
import { listMfaMethods, type MfaMethod } from "../methods/authentication-methods";
import { normaliseUpn } from "../users/create-user";
import { PENDING_SIGN_IN_MINUTES, newSignInHandle } from "./pending-sign-in";
import { createSignInRecord, resourceFor, type ClientInfo } from "./sign-in-log";

/** The one message for unknown UPN, disabled account and wrong password (A2). */
export const BAD_CREDENTIALS_MESSAGE = "Your account or password is incorrect. Check both and try again.";

export type PasswordStepResult =
  | { outcome: "failed"; message: string }
  | { outcome: "mfaRequired"; handle: string; methods: Pick<MfaMethod, "methodId" | "prompt" | "type">[]; defaultMethodId: string; lockedUntil: Date | null }
  | { outcome: "complete"; handle: string };

/**
 * First factor: checks the password (argon2id, decoy hash for unknown users so timing matches),
 * writes the sign-in record, and opens the server-side pending sign-in that the code step or
 * the session redeems. MFA is asked when the user holds a usable method; the admin console
 * always needs it.
 */
export async function checkPasswordStep(options: {
  db: Database;
  upn: string;
  password: string;
  callbackUrl: string;
  client: ClientInfo;
  now?: Date;
}): Promise<PasswordStepResult> {
  const { db, client } = options;
  const now = options.now ?? new Date();
  const upn = normaliseUpn(options.upn);
  const resource = resourceFor(options.callbackUrl);
  const user = await db.user.findUnique({
    where: { upn },
    omit: { passwordHash: false },
    include: { roles: { select: { role: true } } },
  });
  const passwordOk = await verifyPassword({ passwordHash: user?.passwordHash ?? null, password: options.password });

  const failureReason = !user ? "User account not found" : !user.enabled ? "User account is disabled" : !passwordOk ? "Invalid password" : null;
  if (!user || failureReason) {
    await createSignInRecord({
      db, upn, userId: user?.id ?? null, resource, client, status: "failure", failureReason: failureReason ?? undefined,
      firstStep: { method: "Password", requirement: "primary", resultDetail: failureReason ?? "", succeeded: false },
    });
    return { outcome: "failed", message: BAD_CREDENTIALS_MESSAGE };
  }

  const { methods, defaultMethod } = await listMfaMethods({ db, userId: user.id });
  const roles = user.roles.map((r) => r.role);
  if (!defaultMethod && resource === "Admin console" && isAdmin(roles)) {
    const reason = "The admin console requires multi-factor authentication and the user has no usable method";
    await createSignInRecord({
      db, upn, userId: user.id, resource, client, status: "failure", failureReason: reason,
      firstStep: { method: "Password", requirement: "primary", resultDetail: "Correct password", succeeded: true },
    });
    return {
      outcome: "failed",
      message: "The admin console requires a second sign-in method. Sign in to Security info, add a hardware token or authenticator app, then come back.",
    };
  }

  const mfaRequired = defaultMethod !== null;
  const signInId = await createSignInRecord({
    db, upn, userId: user.id, resource, client,
    status: mfaRequired ? "interrupted" : "success",
    failureReason: mfaRequired ? "Multi-factor authentication not completed yet" : undefined,
    firstStep: { method: "Password", requirement: "primary", resultDetail: "Correct password", succeeded: true },
  });
  const { handle, handleHash } = newSignInHandle();
  await db.pendingSignIn.create({
    data: {
      handleHash,
      userId: user.id,
      signInId,
      stage: mfaRequired ? "mfaRequired" : "complete",
      resource,
      callbackUrl: options.callbackUrl,
      expiresAt: new Date(now.getTime() + PENDING_SIGN_IN_MINUTES * 60_000),
    },
  });
  if (!defaultMethod) return { outcome: "complete", handle };
  const lockedUntil = user.mfaLockedUntil && user.mfaLockedUntil > now ? user.mfaLockedUntil : null;
  return {
    outcome: "mfaRequired",
    handle,
    methods: methods.map(({ methodId, prompt, type }) => ({ methodId, prompt, type })),
    defaultMethodId: defaultMethod.methodId,
    lockedUntil,
  };
}
