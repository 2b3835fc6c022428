"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { signIn } from "@/auth";
import { currentClientInfo, requestIsHttps } from "@/lib/auth/request-context";
import { validatedAction, type ActionState } from "@/lib/auth/validated-action";
import { getDb } from "@/lib/db/client";
import { mfaLockedMessage } from "@/lib/otp/verify-oath-code";
import { destinationAfterSignIn } from "@/lib/signin/after-sign-in";
import { checkCodeStep } from "@/lib/signin/code-step";
import { checkPasswordStep } from "@/lib/signin/password-step";
import { PENDING_SIGN_IN_MINUTES } from "@/lib/signin/pending-sign-in";
import { safeCallbackUrl } from "@/lib/signin/safe-callback-url";

// The browser keeps only a random handle to the server-side pending sign-in (A1).
const PENDING_COOKIE = "portal.pending-sign-in";

export type CodeChoice = { methodId: string; prompt: string; type: string };
export type LoginState = ActionState & {
  step?: "code";
  methods?: CodeChoice[];
  defaultMethodId?: string;
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
  });
  if (result.outcome === "failed") return { error: result.message };
  if (result.outcome === "complete") {
    await signIn("pending-sign-in", { handle: result.handle, redirectTo: await destinationAfterSignIn({ db: getDb(), handle: result.handle, callbackUrl }) });
    return {};
  }
  (await cookies()).set(PENDING_COOKIE, result.handle, {
    httpOnly: true,
    sameSite: "strict",
    secure: await requestIsHttps(),
    path: "/login",
    maxAge: PENDING_SIGN_IN_MINUTES * 60,
  });
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
  const result = await checkCodeStep({ db: getDb(), handle, methodId: input.methodId, code: input.code });
  if (result.outcome === "expired") {
    cookieStore.delete({ name: PENDING_COOKIE, path: "/login" });
    return { error: result.message };
  }
  if (result.outcome === "retry") return { step: "code", error: result.message };
  cookieStore.delete({ name: PENDING_COOKIE, path: "/login" });
  const redirectTo = await destinationAfterSignIn({ db: getDb(), handle, callbackUrl: safeCallbackUrl(input.callbackUrl) });
  await signIn("pending-sign-in", { handle, redirectTo });
  return {};
});
