"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { FormMessage } from "@/components/ui/form-message";
import { useFormAction } from "@/components/ui/use-form-action";
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
  const [state, form, pending] = useFormAction<DirectoryActionState>(props.action, {});
  const formElement = useRef<HTMLFormElement>(null);
  const { resetOnSuccess } = props;
  useEffect(() => {
    if (resetOnSuccess && state.success) formElement.current?.reset();
  }, [state, resetOnSuccess]);
  const fieldMessages = Object.values(state.fieldErrors ?? {}).flat().filter((message): message is string => Boolean(message));
  return (
    <form ref={formElement} {...form} aria-label={props.label} className={props.className ?? "space-y-3"}>
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
