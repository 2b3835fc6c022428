"use server";

import type { Challenge } from "altcha-lib";
import { cookies } from "next/headers";
import { z } from "zod";
import { currentClientInfo, requestIsHttps } from "@/lib/server/request-context";
import { validatedAction, type ActionState } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { createCaptchaChallenge } from "@/lib/sspr/captcha";
import {
  PASSWORD_RESET_MINUTES, completePasswordReset, passwordResetProgress, sendPasswordResetEmailCode, startPasswordReset, verifyPasswordResetCode,
  type ResetProgress,
} from "@/lib/sspr/password-reset-flow";

// The browser keeps only a random handle to the server-side reset (like the pending sign-in).
const RESET_COOKIE = "portal.password-reset";
const COOKIE_PATH = "/passwordreset";

export type ResetStep = "account" | "verify" | "newPassword" | "done";
export type PasswordResetState = ActionState & {
  step?: ResetStep;
  challenge?: Challenge;
  methods?: ResetProgress["methods"];
  verifiedCount?: number;
  notice?: string;
};

const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("start"),
    upn: z.string().trim().min(3, "Enter your user ID, e.g. alice@contoso.example").max(320, "That is too long for a user ID"),
    captcha: z.string().max(4096).optional(),
  }),
  z.object({ intent: z.literal("sendEmail") }),
  z.object({
    intent: z.literal("verify"),
    method: z.string().min(1, "Choose a method").max(40),
    code: z.string().min(1, "Enter the code").max(64, "The code is too long"),
  }),
  z.object({
    intent: z.literal("newPassword"),
    password: z.string().min(1, "Enter a new password").max(1024, "That password is too long"),
    confirmPassword: z.string().max(1024),
  }),
], { message: "Start again from the first step." });

async function handleCookie() {
  return (await cookies()).get(RESET_COOKIE)?.value;
}

async function startOver(message: string): Promise<PasswordResetState> {
  (await cookies()).delete({ name: RESET_COOKIE, path: COOKIE_PATH });
  return { step: "account", error: message, challenge: await createCaptchaChallenge() };
}

async function progressState(handle: string, extra: PasswordResetState = {}): Promise<PasswordResetState> {
  const progress = await passwordResetProgress({ db: getDb(), handle });
  if (!progress) return startOver("Your password reset timed out. Start again.");
  return { step: progress.stage, methods: progress.methods, verifiedCount: progress.verifiedCount, ...extra };
}

const runStep = validatedAction({ access: "anyone", schema }, async (input): Promise<PasswordResetState> => {
  const db = getDb();
  const client = await currentClientInfo();
  if (input.intent === "start") {
    const result = await startPasswordReset({ db, upn: input.upn, captcha: input.captcha, client });
    if (result.outcome === "refused") return { step: "account", error: result.message, challenge: await createCaptchaChallenge() };
    (await cookies()).set(RESET_COOKIE, result.handle, {
      httpOnly: true,
      sameSite: "strict",
      secure: await requestIsHttps(),
      path: COOKIE_PATH,
      maxAge: PASSWORD_RESET_MINUTES * 60,
    });
    return progressState(result.handle);
  }
  const handle = await handleCookie();
  if (!handle) return startOver("Your password reset timed out. Start again.");
  if (input.intent === "sendEmail") {
    const result = await sendPasswordResetEmailCode({ db, handle });
    if (result.outcome === "expired") return startOver(result.message);
    return progressState(handle, result.outcome === "sent" ? { notice: result.message } : { error: result.message });
  }
  if (input.intent === "verify") {
    const result = await verifyPasswordResetCode({ db, handle, method: input.method, code: input.code, client });
    if (result.outcome === "expired") return startOver(result.message);
    return progressState(handle, result.outcome === "retry" ? { error: result.message } : {});
  }
  if (input.password !== input.confirmPassword) {
    return progressState(handle, { error: "The passwords don't match. Type the same new password twice.", fieldErrors: { confirmPassword: ["The passwords don't match"] } });
  }
  const result = await completePasswordReset({ db, handle, newPassword: input.password, client });
  if (result.outcome === "expired") return startOver(result.message);
  if (result.outcome === "retry") return progressState(handle, { error: result.message, fieldErrors: { password: [result.message] } });
  (await cookies()).delete({ name: RESET_COOKIE, path: COOKIE_PATH });
  return { step: "done" };
});

/**
 * Every step of /passwordreset posts here (one action, the form's `intent` says which step). The
 * server-side reset decides what may happen; the step the page shows is kept when the input
 * itself was refused.
 */
export async function passwordResetAction(previous: PasswordResetState | undefined, formData: FormData): Promise<PasswordResetState> {
  const result: PasswordResetState = await runStep(previous, formData);
  return result.step ? result : { ...previous, notice: undefined, ...result };
}
