"use client";

import type { Challenge } from "altcha-lib";
import Link from "next/link";
import { useCallback, useState, type FormEvent } from "react";
import { passwordResetAction, type PasswordResetState } from "@/app/(auth)/passwordreset/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/text-field";
import { useFormAction } from "@/components/ui/use-form-action";
import { ProofOfWorkCaptcha } from "./proof-of-work-captcha";

/**
 * Entra's "Get back into your account": user ID and a robot check → one or two verification
 * steps → a new password → done. The server keeps the reset's state; this only shows the step
 * the server says the reset is at. Until a code is verified every account sees the same pages.
 */
export function PasswordResetFlow({ challenge, minPasswordLength, initialUpn = "" }: { challenge: Challenge; minPasswordLength: number; initialUpn?: string }) {
  const [state, form, pending] = useFormAction<PasswordResetState>(passwordResetAction, { step: "account", challenge });
  const step = state.step ?? "account";

  if (step === "done") {
    return (
      <section aria-labelledby="done-heading" className="space-y-4">
        <h1 id="done-heading" className="text-2xl font-semibold">Your password has been reset</h1>
        <p className="text-sm text-slate-700">Every session of your account was signed out. Sign in with your new password.</p>
        <Link href="/login" className="inline-block rounded bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800">Sign in</Link>
      </section>
    );
  }
  if (step === "newPassword") {
    return (
      <form {...form} className="space-y-4" aria-labelledby="new-password-heading">
        <input type="hidden" name="intent" value="newPassword" />
        <h1 id="new-password-heading" className="text-2xl font-semibold">Choose a new password</h1>
        <TextField label="New password" name="password" type="password" autoComplete="new-password" required hint={`At least ${minPasswordLength} characters. Long phrases are good; common passwords and your user name are refused.`} errors={state.fieldErrors?.password} />
        <TextField label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" required errors={state.fieldErrors?.confirmPassword} />
        {/* A refused password is said once, under its field; the box is for what no field shows. */}
        <FormMessage error={state.fieldErrors ? undefined : state.error} />
        <div className="flex justify-end"><Button type="submit" disabled={pending}>{pending ? "Saving…" : "Finish"}</Button></div>
      </form>
    );
  }
  if (step === "verify") return <VerifyStep state={state} form={form} pending={pending} />;
  return <AccountStep state={state} form={form} pending={pending} challenge={state.challenge ?? challenge} initialUpn={initialUpn} />;
}

type StepProps = { state: PasswordResetState; form: { action: (formData: FormData) => void; onSubmit: (event: FormEvent<HTMLFormElement>) => void }; pending: boolean };

function AccountStep({ state, form, pending, challenge, initialUpn }: StepProps & { challenge: Challenge; initialUpn: string }) {
  const [solved, setSolved] = useState(false);
  const onSolved = useCallback((value: boolean) => setSolved(value), []);
  return (
    <form {...form} className="space-y-4" aria-labelledby="reset-heading">
      <input type="hidden" name="intent" value="start" />
      <h1 id="reset-heading" className="text-2xl font-semibold">Get back into your account</h1>
      <p className="text-sm text-slate-700">To recover your account, enter your user ID. We&apos;ll then ask you to verify who you are.</p>
      <TextField label="Email or user ID" name="upn" type="email" autoComplete="username" autoFocus required defaultValue={initialUpn} errors={state.fieldErrors?.upn} />
      <ProofOfWorkCaptcha challenge={challenge} onSolved={onSolved} />
      <FormMessage error={state.error} />
      <div className="flex items-center justify-between gap-4">
        <Link href="/login" className="text-sm text-blue-700 underline-offset-2 hover:underline">Back to sign in</Link>
        <Button type="submit" disabled={pending || !solved}>{pending ? "Checking…" : "Next"}</Button>
      </div>
    </form>
  );
}

function VerifyStep({ state, form, pending }: StepProps) {
  const methods = state.methods ?? [];
  const [chosen, setChosen] = useState(methods[0]?.method ?? "");
  const method = methods.some((m) => m.method === chosen) ? chosen : methods[0]?.method;
  const second = (state.verifiedCount ?? 0) > 0;
  return (
    <form {...form} className="space-y-4" aria-labelledby="verify-heading">
      <h1 id="verify-heading" className="text-2xl font-semibold">{second ? "Verify with a second method" : "Verify your identity"}</h1>
      <p className="text-sm text-slate-700">
        {second
          ? "Your account needs one more method before you can choose a new password. Choose a different one."
          : "Choose how to verify who you are, then enter the code it gives you. If none of these works for you, contact your administrator."}
      </p>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-800">Verification method</legend>
        {methods.map((m) => (
          <label key={m.method} className="flex items-center gap-2 text-sm">
            <input type="radio" name="method" value={m.method} checked={method === m.method} onChange={() => setChosen(m.method)} className="accent-blue-700" /> {m.label}
          </label>
        ))}
      </fieldset>
      <TextField label="Code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={64} errors={state.fieldErrors?.code} />
      <FormMessage error={state.error} success={state.notice} />
      <div className="flex items-center justify-between gap-4">
        <Link href="/login" className="text-sm text-blue-700 underline-offset-2 hover:underline">Cancel</Link>
        <Button type="submit" name="intent" value="verify" disabled={pending}>{pending ? "Verifying…" : "Verify"}</Button>
      </div>
      {method === "email" ? (
        <div className="space-y-2 border-t border-slate-200 pt-3">
          <p className="text-sm text-slate-700">Select Send code first: we&apos;ll send a code to the email address registered for your account.</p>
          <Button type="submit" name="intent" value="sendEmail" variant="secondary" disabled={pending}>Send code</Button>
        </div>
      ) : null}
    </form>
  );
}
