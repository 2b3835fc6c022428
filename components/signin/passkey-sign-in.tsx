"use client";

import { startAuthentication } from "@simplewebauthn/browser";
import { useState } from "react";
import { finishPasskeySecondStep, finishPasskeySignIn, startPasskeySecondStep, startPasskeySignIn, type LoginState } from "@/app/(auth)/login/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";

/** The start request says it is a passkey ceremony (the action refuses anything else). */
function ceremonyForm(): FormData {
  const form = new FormData();
  form.set("ceremony", "passkey");
  return form;
}

/** What the browser's own refusal means to the person. */
function dialogMessage(error: unknown): string {
  return (error as { name?: string }).name === "NotAllowedError"
    ? "The passkey dialog was closed or timed out, or this device has no passkey for this portal. Try again, or sign in another way."
    : "Your browser couldn't use a passkey here. Try again, or sign in another way.";
}

/**
 * Runs one passkey ceremony: options from the server, the browser's dialog, the answer back to
 * the server (which opens the session and redirects, or says what went wrong).
 */
function usePasskeyCeremony(start: typeof startPasskeySignIn, finish: typeof finishPasskeySignIn, callbackUrl: string) {
  const [state, setState] = useState<LoginState>({});
  const [pending, setPending] = useState(false);
  async function run() {
    setPending(true);
    setState({});
    try {
      const started: LoginState = await start({}, ceremonyForm());
      if (!started.requestOptions) return setState(started);
      let response;
      try {
        response = await startAuthentication({ optionsJSON: started.requestOptions });
      } catch (error) {
        return setState({ error: dialogMessage(error) });
      }
      const answer = new FormData();
      answer.set("response", JSON.stringify(response));
      answer.set("callbackUrl", callbackUrl);
      setState(await finish({}, answer));
    } finally {
      setPending(false);
    }
  }
  return { state, pending, run };
}

/** "Sign in with a passkey" on the first page: no account name, the passkey says who (and is MFA by itself). */
export function PasskeySignInButton({ callbackUrl }: { callbackUrl: string }) {
  const { state, pending, run } = usePasskeyCeremony(startPasskeySignIn, finishPasskeySignIn, callbackUrl);
  return (
    <div className="space-y-2 border-t border-slate-200 pt-4">
      <FormMessage error={state.error} />
      <Button type="button" variant="secondary" className="w-full" disabled={pending} onClick={run}>
        {pending ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </Button>
    </div>
  );
}

/** The passkey as the second step after the password. */
export function PasskeySecondStep({ callbackUrl, upn, anotherWay }: { callbackUrl: string; upn: string; anotherWay?: () => void }) {
  const { state, pending, run } = usePasskeyCeremony(startPasskeySecondStep, finishPasskeySecondStep, callbackUrl);
  return (
    <section className="space-y-4" aria-labelledby="passkey-heading">
      <p className="text-sm text-slate-700">{upn}</p>
      <h1 id="passkey-heading" className="text-2xl font-semibold">Use your passkey</h1>
      <p className="text-sm text-slate-700">Your browser will ask for your passkey: this device, your phone or a security key.</p>
      <FormMessage error={state.error} />
      <div className="flex items-center justify-between gap-4">
        {anotherWay ? <Button type="button" variant="link" onClick={anotherWay}>Sign in another way</Button> : <span />}
        <Button type="button" disabled={pending} onClick={run}>{pending ? "Waiting for your passkey…" : "Use passkey"}</Button>
      </div>
    </section>
  );
}
