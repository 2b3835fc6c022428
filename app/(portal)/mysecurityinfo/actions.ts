"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import QRCode from "qrcode";
import { z } from "zod";
import { signOut } from "@/auth";
import type { CurrentUser } from "@/lib/server/current-user";
import { currentClientInfo } from "@/lib/server/request-context";
import { validatedAction, type ActionState } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { confirmAuthenticatorApp, startAuthenticatorAppSetup } from "@/lib/methods/authenticator-app";
import { changeDefaultMethod } from "@/lib/methods/default-method";
import { deleteAuthenticationMethod } from "@/lib/methods/delete-method";
import { confirmEmailMethod, resendEmailMethodCode, sendVerificationEmailCode, startEmailMethodSetup } from "@/lib/methods/email-method";
import { confirmFreshMfa } from "@/lib/methods/fresh-mfa";
import { PASSKEY_VERIFY_FAILED, finishPasskeyFreshMfa, startPasskeyFreshMfa } from "@/lib/methods/passkey-fresh-mfa";
import { parseAuthenticationResponse } from "@/lib/webauthn/response-schemas";
import { selfActivateHardwareToken } from "@/lib/methods/self-activate-hardware-token";
import { SecurityInfoFailure, type SecurityInfoActor, type SecurityInfoResult } from "@/lib/methods/security-info-change";
import { changeOwnPassword } from "@/lib/methods/change-password";
import { PASSKEY_CEREMONY_FAILED, finishPasskeyRegistration, startPasskeyRegistration } from "@/lib/methods/passkey-registration";
import { parseRegistrationResponse } from "@/lib/webauthn/response-schemas";
import { MAX_PASSWORD_LENGTH } from "@/lib/users/password-rules";

/** What the Security info forms get back: the usual state, plus what the page reacts to. */
export type SecurityInfoState = ActionState & {
  /** the fresh-MFA gate refused: the form asks for a code, then the user carries on */
  needsFreshMfa?: boolean;
  /** deleting the last MFA method needs the "I'll have to register again" box */
  lastMethod?: boolean;
  /** an authenticator app setup in progress: shown to its own user, once */
  appSetup?: { appId: string; name: string; secret: string; qrSvg: string; expiresAt: string };
  /** an email method being added: the code went to this address */
  emailSetup?: { address: string };
  /** a passkey being added: the options for the browser's passkey dialog */
  creationOptions?: PublicKeyCredentialCreationOptionsJSON;
  /** "Verify your identity" with a passkey: the options for the browser's passkey dialog */
  requestOptions?: PublicKeyCredentialRequestOptionsJSON;
};

/** The signed-in user acting on their own Security info (ids from forms are always filtered by this user's id). */
async function actorOf(user: CurrentUser): Promise<SecurityInfoActor> {
  const { ipAddress } = await currentClientInfo();
  return { id: user.id, upn: user.upn, ipAddress, sessionId: user.sessionId };
}

function stateOf(result: SecurityInfoResult, success: string): SecurityInfoState {
  if (result.ok) {
    revalidatePath("/mysecurityinfo");
    return { success };
  }
  return {
    error: result.reason,
    needsFreshMfa: result.failure === SecurityInfoFailure.FreshMfaRequired || undefined,
    lastMethod: result.failure === SecurityInfoFailure.LastMethod || undefined,
  };
}

const methodId = z.string().trim().min(1, "Choose a sign-in method").max(100);
const code = z.string().max(64, "The code is too long");

export const verifyIdentity = validatedAction(
  { access: "signedIn", schema: z.object({ methodId, code }) },
  async (input, { user }): Promise<SecurityInfoState> => {
    const result = await confirmFreshMfa({ db: getDb(), actor: await actorOf(user), methodId: input.methodId, code: input.code });
    return result.ok ? { success: "Verified. You can now make your change." } : { error: result.reason };
  },
);

/** "Verify your identity" with a passkey, step 1: the browser's request options (challenge bound to this session). */
export const startPasskeyVerification = validatedAction({ access: "signedIn", schema: z.object({ ceremony: z.literal("passkey", "Choose Passkey first") }) }, async (_input, { user }): Promise<SecurityInfoState> => {
  const result = await startPasskeyFreshMfa({ db: getDb(), actor: await actorOf(user) });
  return result.ok ? { requestOptions: result.options } : { error: result.reason };
});

/** Step 2: the browser's answer; success makes this session's MFA fresh. */
export const finishPasskeyVerification = validatedAction(
  { access: "signedIn", schema: z.object({ response: z.string().min(2).max(40_000) }) },
  async (input, { user }): Promise<SecurityInfoState> => {
    const response = parseAuthenticationResponse(input.response);
    if (!response) return { error: PASSKEY_VERIFY_FAILED };
    const result = await finishPasskeyFreshMfa({ db: getDb(), actor: await actorOf(user), response });
    return result.ok ? { success: "Verified. You can now make your change." } : { error: result.reason };
  },
);

export const changeDefault = validatedAction(
  { access: "signedIn", schema: z.object({ methodId }) },
  async (input, { user }): Promise<SecurityInfoState> => {
    const result = await changeDefaultMethod({ db: getDb(), actor: await actorOf(user), methodId: input.methodId });
    return stateOf(result, result.ok ? `Your default sign-in method is now ${result.label}.` : "");
  },
);

export const startAppSetup = validatedAction(
  { access: "signedIn", schema: z.object({ name: z.string().trim().min(1, "Give the app a name, e.g. Work phone").max(64, "Use at most 64 characters") }) },
  async (input, { user }): Promise<SecurityInfoState> => {
    const result = await startAuthenticatorAppSetup({ db: getDb(), actor: await actorOf(user), name: input.name });
    if (!result.ok) return stateOf(result, "");
    // Rendered here, on the server: the seed reaches only this user's browser, inside this response.
    const qrSvg = await QRCode.toString(result.uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
    return { appSetup: { appId: result.appId, name: result.name, secret: result.secret, qrSvg, expiresAt: result.expiresAt.toISOString() } };
  },
);

export const confirmAppSetup = validatedAction(
  { access: "signedIn", schema: z.object({ appId: z.string().min(1).max(64), code }) },
  async (input, { user }): Promise<SecurityInfoState> => {
    const result = await confirmAuthenticatorApp({ db: getDb(), actor: await actorOf(user), appId: input.appId, code: input.code });
    return stateOf(result, result.ok ? `Authenticator app ${result.name} was added.` : "");
  },
);

const emailAddress = z.email("Enter an email address, e.g. alice@example.com").max(254, "Use at most 254 characters");

export const startEmailSetup = validatedAction(
  { access: "signedIn", schema: z.object({ address: z.string().trim().pipe(emailAddress) }) },
  async (input, { user }): Promise<SecurityInfoState> => {
    const result = await startEmailMethodSetup({ db: getDb(), actor: await actorOf(user), address: input.address });
    if (!result.ok) return stateOf(result, "");
    return { emailSetup: { address: result.address } };
  },
);

export const confirmEmailSetup = validatedAction(
  { access: "signedIn", schema: z.object({ code }) },
  async (input, { user }): Promise<SecurityInfoState> => {
    const result = await confirmEmailMethod({ db: getDb(), actor: await actorOf(user), code: input.code });
    return stateOf(result, result.ok ? `Email ${result.address} was added.` : "");
  },
);

export const resendEmailSetupCode = validatedAction({ access: "signedIn", schema: z.object({}) }, async (_input, { user }): Promise<SecurityInfoState> => {
  const result = await resendEmailMethodCode({ db: getDb(), actor: await actorOf(user) });
  return result.ok ? { success: `We sent a new code to ${result.address}.` } : { error: result.reason };
});

/** The fresh-MFA prompt's Send code, for a user answering with their email method. */
export const sendVerificationCode = validatedAction({ access: "signedIn", schema: z.object({}) }, async (_input, { user }): Promise<SecurityInfoState> => {
  const result = await sendVerificationEmailCode({ db: getDb(), actor: await actorOf(user) });
  return result.ok ? { success: result.message } : { error: result.reason };
});

export const activateOwnToken = validatedAction(
  {
    access: "signedIn",
    schema: z.object({
      serialNumber: z.string().trim().min(1, "Enter the serial number printed on the back of the token").max(64),
      friendlyName: z.string().trim().max(64, "Use at most 64 characters").default(""),
      code,
    }),
  },
  async (input, { user }): Promise<SecurityInfoState> => {
    const result = await selfActivateHardwareToken({ db: getDb(), actor: await actorOf(user), ...input });
    return stateOf(result, result.ok ? `Hardware token ${result.serialNumber} is activated.` : "");
  },
);

export const deleteMethod = validatedAction(
  { access: "signedIn", schema: z.object({ methodId, confirmLastMethod: z.literal("on").optional() }) },
  async (input, { user }): Promise<SecurityInfoState> => {
    const result = await deleteAuthenticationMethod({ db: getDb(), actor: await actorOf(user), methodId: input.methodId, confirmLastMethod: input.confirmLastMethod === "on" });
    return stateOf(result, result.ok ? `${result.label} was deleted.` : "");
  },
);

const passwordSchema = z
  .object({
    newPassword: z.string().min(1, "Enter a new password").max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters`),
    confirmPassword: z.string(),
  })
  .refine((input) => input.newPassword === input.confirmPassword, { path: ["confirmPassword"], message: "The two passwords don't match" });

/**
 * Changes the password, then ends this session too (every session ends: sessionVersion is bumped)
 * and sends the user to sign in with the new password.
 */
export const changePassword = validatedAction({ access: "signedIn", schema: passwordSchema }, async (input, { user }): Promise<SecurityInfoState> => {
  const result = await changeOwnPassword({ db: getDb(), actor: await actorOf(user), newPassword: input.newPassword });
  if (!result.ok) return { ...stateOf(result, ""), fieldErrors: result.failure === SecurityInfoFailure.Invalid ? { newPassword: [result.reason] } : undefined };
  await signOut({ redirect: false });
  redirect("/login?reason=passwordChanged");
});

/** Add sign-in method → Passkey, step 1: the options for the browser's passkey dialog (challenge bound to this session). */
export const startPasskeySetup = validatedAction({ access: "signedIn", schema: z.object({ ceremony: z.literal("passkey", "Start from Add sign-in method → Passkey") }) }, async (_input, { user }): Promise<SecurityInfoState> => {
  const result = await startPasskeyRegistration({ db: getDb(), actor: await actorOf(user) });
  return result.ok ? { creationOptions: result.options } : stateOf(result, "");
});

/** Step 2: the browser's answer and the name the person chose. */
export const finishPasskeySetup = validatedAction(
  {
    access: "signedIn",
    schema: z.object({
      name: z.string().trim().min(1, "Give the passkey a name, e.g. Work laptop").max(64, "Use at most 64 characters"),
      response: z.string().min(2).max(40_000),
    }),
  },
  async (input, { user }): Promise<SecurityInfoState> => {
    const response = parseRegistrationResponse(input.response);
    if (!response) return { error: PASSKEY_CEREMONY_FAILED };
    const result = await finishPasskeyRegistration({ db: getDb(), actor: await actorOf(user), name: input.name, response });
    return stateOf(result, `Passkey ${input.name} was added.`);
  },
);
