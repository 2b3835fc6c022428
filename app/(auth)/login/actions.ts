"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { signIn } from "@/auth";
import { currentClientInfo, requestIsHttps } from "@/lib/server/request-context";
import { validatedAction, type ActionState } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { mfaLockedMessage } from "@/lib/otp/verify-oath-code";
import { parseTemporaryAccessPassMethodId } from "@/lib/methods/temporary-access-pass";
import { destinationAfterSignIn } from "@/lib/signin/after-sign-in";
import { checkCodeStep } from "@/lib/signin/code-step";
import { sendSignInEmailCode } from "@/lib/signin/email-code-step";
import { PASSWORD_CHANGE_EXPIRED_MESSAGE, awaitsPasswordChange, checkPasswordChangeStep } from "@/lib/signin/password-change-step";
import { checkPasswordStep } from "@/lib/signin/password-step";
import { applicationOfSignInCallback } from "@/lib/oidc/interaction-application";
import { PENDING_SIGN_IN_MINUTES } from "@/lib/auth/pending-sign-in";
import type { MfaStepResult } from "@/lib/signin/pending-mfa";
import { safeCallbackUrl } from "@/lib/signin/safe-callback-url";
import { checkTemporaryAccessPassStep } from "@/lib/signin/temporary-access-pass-step";
import { MAX_PASSWORD_LENGTH } from "@/lib/users/password-rules";
import { finishPasskeyStep, finishPasswordlessSignIn, PASSKEY_SIGN_IN_FAILED, startPasskeyStep, startPasswordlessSignIn } from "@/lib/signin/passkey-sign-in";
import { parseAuthenticationResponse } from "@/lib/webauthn/response-schemas";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { finishInterruptRegistration, startInterruptRegistration } from "@/lib/signin/passkey-registration-interrupt";
import { parseRegistrationResponse } from "@/lib/webauthn/response-schemas";
import { PASSKEY_METHOD_ID } from "@/lib/webauthn/passkeys";
import crypto from "node:crypto";

// The browser keeps only a random handle to the server-side pending sign-in (A1).
const PENDING_COOKIE = "portal.pending-sign-in";

/** The browser keeps the handle (only) while the sign-in has a step left, for as long as the step may take. */
async function keepPendingHandle(handle: string) {
  (await cookies()).set(PENDING_COOKIE, handle, {
    httpOnly: true,
    sameSite: "strict",
    secure: await requestIsHttps(),
    path: "/login",
    maxAge: PENDING_SIGN_IN_MINUTES * 60,
  });
}

export type CodeChoice = { methodId: string; prompt: string; type: string };
export type LoginState = ActionState & {
  step?: "code" | "passwordChange" | "registerPasskey";
  methods?: CodeChoice[];
  defaultMethodId?: string;
  /** a passkey ceremony to run: the options for the browser's passkey dialog */
  requestOptions?: PublicKeyCredentialRequestOptionsJSON;
  /** the registration interrupt's ceremony: the options for the browser's create() dialog */
  creationOptions?: PublicKeyCredentialCreationOptionsJSON;
  /** what the registration interrupt page says */
  notice?: string;
};

const passwordSchema = z.object({
  upn: z.string().trim().min(3, "Enter your account, e.g. alice@contoso.example").max(320),
  password: z.string().min(1, "Enter your password").max(1024),
  callbackUrl: z.string().optional(),
});

export const submitPassword = validatedAction({ access: "anyone", schema: passwordSchema }, async (input): Promise<LoginState> => {
  const callbackUrl = safeCallbackUrl(input.callbackUrl);
  const result = await checkPasswordStep({
    db: getDb(),
    upn: input.upn,
    password: input.password,
    callbackUrl,
    client: await currentClientInfo(),
    // On the way back to an application's sign-in: its requirements are asked now (the client id read from the stored interaction).
    toApplication: (await applicationOfSignInCallback({ db: getDb(), callbackUrl })) ?? undefined,
  });
  if (result.outcome === "failed") return { error: result.message };
  if (result.outcome === "complete") {
    if (await awaitsPasswordChange({ db: getDb(), handle: result.handle })) {
      await keepPendingHandle(result.handle);
      return { step: "passwordChange" };
    }
    await signIn("pending-sign-in", { handle: result.handle, redirectTo: await destinationAfterSignIn({ db: getDb(), handle: result.handle, callbackUrl }) });
    return {};
  }
  await keepPendingHandle(result.handle);
  return {
    step: "code",
    methods: result.methods,
    defaultMethodId: result.defaultMethodId,
    error: result.lockedUntil ? mfaLockedMessage(result.lockedUntil) : undefined,
  };
});

const codeSchema = z.object({
  methodId: z.string().min(1, "Choose a sign-in method").max(100),
  code: z.string().max(64, "The code is too long"),
  callbackUrl: z.string().optional(),
});

export const submitCode = validatedAction({ access: "anyone", schema: codeSchema }, async (input): Promise<LoginState> => {
  const cookieStore = await cookies();
  const handle = cookieStore.get(PENDING_COOKIE)?.value;
  if (!handle) return { error: "Your sign-in timed out. Sign in again." };
  // The same form answers with a code or, when that was the choice, a Temporary Access Pass.
  const result = parseTemporaryAccessPassMethodId(input.methodId)
    ? await checkTemporaryAccessPassStep({ db: getDb(), handle, pass: input.code })
    : await checkCodeStep({ db: getDb(), handle, methodId: input.methodId, code: input.code, ipAddress: (await currentClientInfo()).ipAddress });
  return afterSecondStep(handle, result, input.callbackUrl);
});

/** What every second step (code, pass, passkey) does with its result: retry, expire, change the password, or open the session. */
async function afterSecondStep(handle: string, result: MfaStepResult, callbackUrl: string | undefined): Promise<LoginState> {
  const cookieStore = await cookies();
  if (result.outcome === "expired") {
    cookieStore.delete({ name: PENDING_COOKIE, path: "/login" });
    return { error: result.message };
  }
  if (result.outcome === "retry") return { step: "code", error: result.message };
  // The strength needs a passkey the person registers now; the handle stays for that page.
  if (result.outcome === "registerPasskey") {
    await keepPendingHandle(handle);
    return { step: "registerPasskey", notice: result.message };
  }
  // A temporary password is replaced before the session: the handle stays for that step.
  if (await awaitsPasswordChange({ db: getDb(), handle })) {
    await keepPendingHandle(handle);
    return { step: "passwordChange" };
  }
  cookieStore.delete({ name: PENDING_COOKIE, path: "/login" });
  // A TAP sign-in goes to Security info to register; other sign-ins may meet the registration interrupt.
  const redirectTo = result.redirectTo ?? (await destinationAfterSignIn({ db: getDb(), handle, callbackUrl: safeCallbackUrl(callbackUrl) }));
  await signIn("pending-sign-in", { handle, redirectTo });
  return {};
}

/** "Send code" at the code step when the method is email: mails a sign-in code, the step stays open. */
export const sendEmailCode = validatedAction({ access: "anyone", schema: z.object({ methodId: codeSchema.shape.methodId }) }, async (input): Promise<LoginState> => {
  const cookieStore = await cookies();
  const handle = cookieStore.get(PENDING_COOKIE)?.value;
  if (!handle) return { error: "Your sign-in timed out. Sign in again." };
  const result = await sendSignInEmailCode({ db: getDb(), handle, methodId: input.methodId });
  if (result.outcome === "sent") return { step: "code", success: result.message };
  if (result.outcome === "expired") cookieStore.delete({ name: PENDING_COOKIE, path: "/login" });
  return { step: result.outcome === "retry" ? "code" : undefined, error: result.message };
});

const newPasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters`),
    newPassword: z.string().min(1, "Enter a new password").max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters`),
    confirmPassword: z.string().max(MAX_PASSWORD_LENGTH),
  })
  .refine((input) => input.newPassword === input.confirmPassword, { path: ["confirmPassword"], message: "The two new passwords don't match" });

/**
 * "Update your password": the step after MFA for a user with a temporary password. On success
 * the session is issued and the user goes on to where they were going.
 */
export const submitNewPassword = validatedAction({ access: "anyone", schema: newPasswordSchema }, async (input): Promise<LoginState> => {
  const cookieStore = await cookies();
  const handle = cookieStore.get(PENDING_COOKIE)?.value;
  if (!handle) return { error: PASSWORD_CHANGE_EXPIRED_MESSAGE };
  const result = await checkPasswordChangeStep({
    db: getDb(),
    handle,
    currentPassword: input.currentPassword,
    newPassword: input.newPassword,
    client: await currentClientInfo(),
  });
  if (result.outcome === "expired") {
    cookieStore.delete({ name: PENDING_COOKIE, path: "/login" });
    return { error: result.message };
  }
  if (result.outcome === "retry") return { step: "passwordChange", fieldErrors: { [result.field]: [result.message] } };
  cookieStore.delete({ name: PENDING_COOKIE, path: "/login" });
  await signIn("pending-sign-in", { handle, redirectTo: await destinationAfterSignIn({ db: getDb(), handle, callbackUrl: result.callbackUrl }) });
  return {};
});

/**
 * Starting a passkey ceremony takes no data, but the request must say it is one: a stray or
 * forged post to the action then writes no challenge row.
 */
const startCeremonySchema = z.object({ ceremony: z.literal("passkey", "Start the passkey ceremony from the sign-in page") });

// "Sign in with a passkey" binds its challenge to a random nonce only this browser holds.
const PASSKEY_NONCE_COOKIE = "portal.passkey-sign-in";

/** "Sign in with a passkey", step 1: options for the browser's dialog (no account name: the passkey says who). */
export const startPasskeySignIn = validatedAction({ access: "anyone", schema: startCeremonySchema }, async (): Promise<LoginState> => {
  const nonce = crypto.randomBytes(32).toString("base64url");
  (await cookies()).set(PASSKEY_NONCE_COOKIE, nonce, { httpOnly: true, sameSite: "strict", secure: await requestIsHttps(), path: "/login", maxAge: PENDING_SIGN_IN_MINUTES * 60 });
  return { requestOptions: await startPasswordlessSignIn({ db: getDb(), nonce }) };
});

const passkeyAnswerSchema = z.object({ response: z.string().min(2).max(40_000), callbackUrl: z.string().optional() });

/** Step 2: the browser's answer; a good passkey opens the session (passwordless and multifactor). */
export const finishPasskeySignIn = validatedAction({ access: "anyone", schema: passkeyAnswerSchema }, async (input): Promise<LoginState> => {
  const cookieStore = await cookies();
  const nonce = cookieStore.get(PASSKEY_NONCE_COOKIE)?.value;
  cookieStore.delete({ name: PASSKEY_NONCE_COOKIE, path: "/login" });
  const response = parseAuthenticationResponse(input.response);
  if (!nonce || !response) return { error: PASSKEY_SIGN_IN_FAILED };
  const callbackUrl = safeCallbackUrl(input.callbackUrl);
  const result = await finishPasswordlessSignIn({ db: getDb(), nonce, response, callbackUrl, client: await currentClientInfo() });
  if (result.outcome === "failed") return { error: result.message };
  await signIn("pending-sign-in", { handle: result.handle, redirectTo: await destinationAfterSignIn({ db: getDb(), handle: result.handle, callbackUrl }) });
  return {};
});

/** The passkey as the second step after the password: options listing this user's passkeys. */
export const startPasskeySecondStep = validatedAction({ access: "anyone", schema: startCeremonySchema }, async (): Promise<LoginState> => {
  const handle = (await cookies()).get(PENDING_COOKIE)?.value;
  const requestOptions = handle ? await startPasskeyStep({ db: getDb(), handle }) : null;
  return requestOptions ? { step: "code", requestOptions } : { error: "Your sign-in timed out. Sign in again." };
});

export const finishPasskeySecondStep = validatedAction({ access: "anyone", schema: passkeyAnswerSchema }, async (input): Promise<LoginState> => {
  const handle = (await cookies()).get(PENDING_COOKIE)?.value;
  if (!handle) return { error: "Your sign-in timed out. Sign in again." };
  const response = parseAuthenticationResponse(input.response);
  if (!response) return { step: "code", error: "That passkey didn't work. Try again or choose another way to sign in." };
  const result = await finishPasskeyStep({ db: getDb(), handle, response, ipAddress: (await currentClientInfo()).ipAddress });
  return afterSecondStep(handle, result, input.callbackUrl);
});

/** The registration interrupt, step 1: options for the browser's create() dialog, the challenge bound to this pending sign-in. */
export const startSignInPasskeyRegistration = validatedAction({ access: "anyone", schema: startCeremonySchema }, async (): Promise<LoginState> => {
  const handle = (await cookies()).get(PENDING_COOKIE)?.value;
  const result = handle ? await startInterruptRegistration({ db: getDb(), handle, ipAddress: (await currentClientInfo()).ipAddress }) : ({ outcome: "expired" } as const);
  if (result.outcome === "expired") return { error: "Your sign-in timed out. Sign in again." };
  if (result.outcome === "refused") return { step: "registerPasskey", error: result.message };
  return { step: "registerPasskey", creationOptions: result.options };
});

const interruptAnswerSchema = z.object({
  name: z.string().trim().min(1, "Give the passkey a name, e.g. Work laptop").max(64, "Use at most 64 characters"),
  response: z.string().min(2).max(40_000),
});

/** Step 2: the browser's answer; the passkey is saved and the sign-in then asks for it (the passkey step). */
export const finishSignInPasskeyRegistration = validatedAction({ access: "anyone", schema: interruptAnswerSchema }, async (input): Promise<LoginState> => {
  const handle = (await cookies()).get(PENDING_COOKIE)?.value;
  const response = parseRegistrationResponse(input.response);
  if (!handle) return { error: "Your sign-in timed out. Sign in again." };
  if (!response) return { step: "registerPasskey", error: "Your browser's passkey answer could not be checked. Try again." };
  const result = await finishInterruptRegistration({ db: getDb(), handle, name: input.name, response, ipAddress: (await currentClientInfo()).ipAddress });
  if (result.outcome === "expired") return { error: "Your sign-in timed out. Sign in again." };
  if (result.outcome === "refused") return { step: "registerPasskey", error: result.message };
  return { step: "code", methods: [{ methodId: PASSKEY_METHOD_ID, prompt: "Use a passkey", type: "Passkey" }], defaultMethodId: PASSKEY_METHOD_ID, success: "Passkey registered. Now use it to finish signing in." };
});
