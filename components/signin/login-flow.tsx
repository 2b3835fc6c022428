"use client";

import { useState } from "react";
import { submitCode, submitPassword, type LoginState } from "@/app/(auth)/login/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/text-field";
import { useFormAction } from "@/components/ui/use-form-action";
import { MethodIcon } from "@/components/methods/method-icon";
import { EmailCodeSender } from "./email-code-sender";
import { PasskeySecondStep, PasskeySignInButton } from "./passkey-sign-in";
import { PasskeyRegistrationInterrupt } from "./passkey-registration-interrupt";
import { UpdatePasswordForm } from "./update-password-form";

/**
 * Entra-style sign-in: account → password → verification code from the default method, with
 * "Sign in another way" listing the others. All state that matters lives on the server; this
 * component only walks the steps.
 */
export function LoginFlow({ callbackUrl, notice, minPasswordLength }: { callbackUrl: string; notice?: string; minPasswordLength: number }) {
  const [upn, setUpn] = useState("");
  const [upnConfirmed, setUpnConfirmed] = useState(false);
  const [upnError, setUpnError] = useState<string>();
  const [passwordState, passwordForm, passwordPending] = useFormAction<LoginState>(submitPassword, {});
  const [codeState, codeForm, codePending] = useFormAction<LoginState>(submitCode, {});
  const [chosenMethodId, setChosenMethodId] = useState<string>();
  const [choosing, setChoosing] = useState(false);

  const methods = passwordState.methods ?? [];
  const onCodeStep = passwordState.step === "code" && !codeState.error?.includes("Sign in again");
  const method = methods.find((m) => m.methodId === (chosenMethodId ?? passwordState.defaultMethodId)) ?? methods[0];

  // After MFA (or the password alone), a temporary password is replaced before the session.
  if (passwordState.step === "passwordChange" || codeState.step === "passwordChange") return <UpdatePasswordForm upn={upn} minPasswordLength={minPasswordLength} />;

  // The authentication strength needs a passkey: register one, then use it (the registration interrupt).
  if (codeState.step === "registerPasskey") return <PasskeyRegistrationInterrupt upn={upn} callbackUrl={callbackUrl} notice={codeState.notice} />;

  if (onCodeStep && method) {
    if (choosing) {
      return (
        <section aria-labelledby="choose-heading" className="space-y-4">
          {/* Whose sign-in this is, and the way back to the code the default method asked for. */}
          <Button type="button" variant="link" onClick={() => setChoosing(false)} aria-label={`Back: enter the code for ${upn}`}>← Back</Button>
          <p className="text-sm text-slate-700" data-testid="signin-account">{upn}</p>
          <h1 id="choose-heading" className="text-2xl font-semibold">Verify your identity</h1>
          <ul className="space-y-2">
            {methods.map((m) => (
              <li key={m.methodId}>
                <Button variant="secondary" className="flex w-full items-center gap-3 text-left" onClick={() => { setChosenMethodId(m.methodId); setChoosing(false); }}>
                  <MethodIcon type={m.type} />
                  {m.prompt}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      );
    }
    if (method.type === "Passkey") {
      return <PasskeySecondStep callbackUrl={callbackUrl} upn={upn} anotherWay={methods.length > 1 ? () => setChoosing(true) : undefined} />;
    }
    // A Temporary Access Pass is typed in the same form, as letters and digits rather than a code.
    const isPass = method.type === "Temporary Access Pass";
    return (
      <form {...codeForm} className="space-y-4" aria-labelledby="code-heading">
        <p className="text-sm text-slate-700" data-testid="signin-account">{upn}</p>
        <h1 id="code-heading" className="text-2xl font-semibold">{isPass ? "Enter Temporary Access Pass" : "Enter code"}</h1>
        <p className="text-sm text-slate-700">{isPass ? "Enter the Temporary Access Pass your administrator gave you. Afterwards you can register a sign-in method in Security info." : `${method.prompt}.`}</p>
        {method.type === "Email" ? <EmailCodeSender key={method.methodId} methodId={method.methodId} /> : null}
        <input type="hidden" name="methodId" value={method.methodId} />
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        {isPass ? (
          <TextField key="pass" label="Temporary Access Pass" name="code" autoComplete="off" data-secret autoCapitalize="none" spellCheck={false} autoFocus required maxLength={64} errors={codeState.fieldErrors?.code} />
        ) : (
          <TextField key="code" label="Code" name="code" inputMode="numeric" autoComplete="one-time-code" autoFocus required maxLength={64} errors={codeState.fieldErrors?.code} />
        )}
        <FormMessage error={codeState.error ?? passwordState.error} />
        <div className="flex items-center justify-between gap-4">
          {methods.length > 1 ? <Button type="button" variant="link" onClick={() => setChoosing(true)}>Sign in another way</Button> : <span />}
          <Button type="submit" disabled={codePending}>{codePending ? "Verifying…" : "Verify"}</Button>
        </div>
      </form>
    );
  }

  if (!upnConfirmed) {
    return (
      <form
        className="space-y-4"
        aria-labelledby="signin-heading"
        onSubmit={(event) => {
          event.preventDefault();
          if (!/^[^\s@]+@[^\s@]+$/.test(upn.trim())) return setUpnError("Enter a valid account name, e.g. alice@contoso.example.");
          setUpnError(undefined);
          setUpnConfirmed(true);
        }}
      >
        <h1 id="signin-heading" className="text-2xl font-semibold">Sign in</h1>
        <FormMessage error={codeState.error ?? notice} />
        <TextField label="Email, phone or user name" name="upn" type="email" autoComplete="username" autoFocus required value={upn} onChange={(e) => setUpn(e.target.value)} errors={upnError ? [upnError] : undefined} />
        <div className="flex justify-end"><Button type="submit">Next</Button></div>
        <PasskeySignInButton callbackUrl={callbackUrl} />
      </form>
    );
  }

  return (
    <form {...passwordForm} className="space-y-4" aria-labelledby="password-heading">
      <Button type="button" variant="link" onClick={() => setUpnConfirmed(false)} aria-label={`Back: change account ${upn}`}>← {upn}</Button>
      <h1 id="password-heading" className="text-2xl font-semibold">Enter password</h1>
      <input type="hidden" name="upn" value={upn} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" autoFocus required errors={passwordState.fieldErrors?.password} />
      {/* The reset page starts with the account already typed here. */}
      <a href={`/passwordreset?${new URLSearchParams({ upn })}`} className="block text-sm text-blue-700 underline-offset-2 hover:underline">Forgot my password</a>
      <FormMessage error={passwordState.error} />
      <div className="flex justify-end">
        <Button type="submit" disabled={passwordPending}>{passwordPending ? "Signing in…" : "Sign in"}</Button>
      </div>
    </form>
  );
}
