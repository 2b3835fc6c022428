"use client";

import { startRegistration } from "@simplewebauthn/browser";
import { useState, type FormEvent } from "react";
import { finishPasskeySetup, startPasskeySetup, type SecurityInfoState } from "@/app/(portal)/mysecurityinfo/actions";
import { DialogActions, DialogDone } from "@/components/ui/dialog-actions";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/text-field";
import { useStaleMfaAnswer } from "./fresh-mfa";


/** What the browser's own refusal means to the person (the dialog closed, a key already registered…). */
export function passkeyDialogMessage(error: unknown): string {
  const name = (error as { name?: string }).name;
  if (name === "InvalidStateError") return "This passkey is already registered to your account. Use another one, or delete the old one first.";
  if (name === "NotAllowedError") return "The passkey dialog was closed or timed out. Try again when you're ready.";
  return "Your browser couldn't create a passkey here. Try again, or use another browser or security key.";
}

/**
 * Add sign-in method → Passkey: a name, then the browser's passkey dialog (a discoverable
 * credential with user verification), then the server checks and stores it. The ceremony's
 * options and answer go through server actions; nothing secret is in this component.
 */
type CeremonyState = { error?: string; creationOptions?: Parameters<typeof startRegistration>[0]["optionsJSON"] };

/**
 * The browser side of registering a passkey, wherever it happens (Security info, the sign-in's
 * registration interrupt): ask the server for options, run the browser's dialog, send the answer
 * with the chosen name. The start request says it is a passkey ceremony (the actions refuse
 * anything else). Returns the server's answer, or the first step's refusal or the dialog's.
 */
export async function registerPasskeyInBrowser<S extends object>(options: {
  name: string;
  start: (state: object, form: FormData) => Promise<S & CeremonyState>;
  finish: (state: object, form: FormData) => Promise<S>;
}): Promise<S | { error: string }> {
  const start = new FormData();
  start.set("ceremony", "passkey");
  const started = await options.start({}, start);
  if (!started.creationOptions) return started;
  let response;
  try {
    response = await startRegistration({ optionsJSON: started.creationOptions });
  } catch (error) {
    return { error: passkeyDialogMessage(error) };
  }
  const answer = new FormData();
  answer.set("name", options.name);
  answer.set("response", JSON.stringify(response));
  return options.finish({}, answer);
}

export function PasskeySetup({ close }: { close: () => void }) {
  const [state, setState] = useState<SecurityInfoState>({});
  const [pending, setPending] = useState(false);
  useStaleMfaAnswer(state);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (!name) return setState({ fieldErrors: { name: ["Give the passkey a name, e.g. Work laptop"] } });
    setPending(true);
    try {
      setState(await registerPasskeyInBrowser({ name, start: startPasskeySetup, finish: finishPasskeySetup }));
    } finally {
      setPending(false);
    }
  }

  if (state.success) return <DialogDone message={state.success} close={close} />;
  return (
    <form onSubmit={create} className="space-y-3">
      <p className="text-sm text-slate-700">Your browser will ask you to create a passkey with this device, your phone or a security key, and to unlock it (PIN, fingerprint or face).</p>
      <TextField label="Passkey name" name="name" defaultValue="" placeholder="e.g. Work laptop" required maxLength={64} errors={state.fieldErrors?.name} />
      <FormMessage error={state.error} />
      <DialogActions close={close} pending={pending} label="Create passkey" pendingLabel="Waiting for your passkey…" />
    </form>
  );
}
