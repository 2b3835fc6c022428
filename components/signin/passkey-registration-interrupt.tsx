"use client";

import { useState, type FormEvent } from "react";
import { finishSignInPasskeyRegistration, startSignInPasskeyRegistration, type LoginState } from "@/app/(auth)/login/actions";
import { registerPasskeyInBrowser } from "@/components/methods/passkey-setup";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/text-field";
import { PasskeySecondStep } from "./passkey-sign-in";

/**
 * The registration interrupt: the sign-in has proved MFA but its authentication strength needs a
 * passkey the person doesn't have yet. They create one here (the same ceremony as Security info),
 * then use it to finish signing in. The pending sign-in stays on the server throughout.
 */
export function PasskeyRegistrationInterrupt({ upn, callbackUrl, notice }: { upn: string; callbackUrl: string; notice?: string }) {
  const [state, setState] = useState<LoginState>({});
  const [pending, setPending] = useState(false);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (!name) return setState({ fieldErrors: { name: ["Give the passkey a name, e.g. Work laptop"] } });
    setPending(true);
    try {
      setState(await registerPasskeyInBrowser({ name, start: startSignInPasskeyRegistration, finish: finishSignInPasskeyRegistration }));
    } finally {
      setPending(false);
    }
  }

  if (state.step === "code") {
    return (
      <div className="space-y-4">
        <FormMessage success={state.success} />
        <PasskeySecondStep callbackUrl={callbackUrl} upn={upn} />
      </div>
    );
  }
  return (
    <form onSubmit={create} className="space-y-4" aria-labelledby="register-passkey-heading">
      <p className="text-sm text-slate-700" data-testid="signin-account">{upn}</p>
      <h1 id="register-passkey-heading" className="text-2xl font-semibold">Register a passkey</h1>
      <p className="text-sm text-slate-700">{notice}</p>
      <p className="text-sm text-slate-700">Your browser will ask you to create a passkey with this device, your phone or a security key, and to unlock it (PIN, fingerprint or face).</p>
      <TextField label="Passkey name" name="name" defaultValue="" placeholder="e.g. Work laptop" required maxLength={64} errors={state.fieldErrors?.name} />
      <FormMessage error={state.error} />
      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>{pending ? "Waiting for your passkey…" : "Create passkey"}</Button>
      </div>
    </form>
  );
}
