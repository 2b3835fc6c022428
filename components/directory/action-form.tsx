"use client";

import { startTransition, useActionState, useEffect, useRef, type FormEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { FormMessage } from "@/components/ui/form-message";
import type { DirectoryActionState } from "@/lib/directory/console-actor";
import { IssuedTemporaryAccessPass } from "./issued-temporary-access-pass";

type DirectoryAction = (previous: DirectoryActionState | undefined, formData: FormData) => Promise<DirectoryActionState>;

/**
 * One directory form: hidden ids, the fields given as children, a submit button, and the
 * outcome under it — field messages by name, and a generated password or Temporary Access Pass
 * shown this once (neither is stored in clear, so reloading the page loses it).
 */
export function ActionForm(props: {
  action: DirectoryAction;
  hidden?: Record<string, string>;
  submitLabel: string;
  variant?: "primary" | "secondary";
  label?: string;
  className?: string;
  /** empties the fields after a success (a form used once per item, such as New user) */
  resetOnSuccess?: boolean;
  children?: ReactNode;
}) {
  const [state, dispatch, pending] = useActionState<DirectoryActionState, FormData>(props.action, {});
  const form = useRef<HTMLFormElement>(null);
  const { resetOnSuccess } = props;
  useEffect(() => {
    if (resetOnSuccess && state.success) form.current?.reset();
  }, [state, resetOnSuccess]);
  const fieldMessages = Object.values(state.fieldErrors ?? {}).flat().filter((message): message is string => Boolean(message));
  // React 19 clears a form whose `action` ran, so a refused save would lose what the admin chose.
  // Submitting through onSubmit keeps the fields; `action` still works before the page hydrates.
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => dispatch(formData));
  };
  return (
    <form ref={form} action={dispatch} onSubmit={submit} aria-label={props.label} className={props.className ?? "space-y-3"}>
      {Object.entries(props.hidden ?? {}).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      {props.children}
      <Button type="submit" disabled={pending} variant={props.variant ?? "primary"}>{props.submitLabel}</Button>
      <FormMessage error={state.error && fieldMessages.length ? `${state.error} ${fieldMessages.join(" ")}` : state.error} success={state.success} />
      {state.temporaryPassword ? (
        <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-medium">Temporary password (shown only now — copy it and hand it over securely):</p>
          <p className="select-all break-all font-mono text-base" data-testid="temporary-password">{state.temporaryPassword}</p>
          <CopyButton value={state.temporaryPassword} what="temporary password" />
        </div>
      ) : null}
      {state.temporaryAccessPass ? <IssuedTemporaryAccessPass {...state.temporaryAccessPass} /> : null}
    </form>
  );
}
