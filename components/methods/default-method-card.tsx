"use client";

import { useEffect } from "react";
import { changeDefault } from "@/app/(portal)/mysecurityinfo/actions";
import { DialogActions } from "@/components/ui/dialog-actions";
import { FormMessage } from "@/components/ui/form-message";
import { DialogButton } from "@/components/ui/modal-dialog";
import { useFormAction } from "@/components/ui/use-form-action";
import type { MfaChoice } from "@/lib/methods/security-info";
import { FreshMfaGate, useStaleMfaAnswer } from "./fresh-mfa";

/** The default sign-in method (what sign-in asks first), with Change when there is a choice. */
export function DefaultMethodCard({ label, defaultMethodId, methods }: { label: string | null; defaultMethodId: string | null; methods: MfaChoice[] }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded border border-slate-200 bg-white px-4 py-3">
      <p>
        <span className="font-medium">Default sign-in method: </span>
        <span data-testid="default-method">{label ?? "None yet — add a hardware token or authenticator app"}</span>
      </p>
      {methods.length > 1 ? (
        <DialogButton label="Change" buttonLabel="Change default sign-in method" title="Change default method">
          {(close) => (
            <FreshMfaGate>
              <ChangeDefaultForm defaultMethodId={defaultMethodId} methods={methods} close={close} />
            </FreshMfaGate>
          )}
        </DialogButton>
      ) : null}
    </div>
  );
}

function ChangeDefaultForm({ defaultMethodId, methods, close }: { defaultMethodId: string | null; methods: MfaChoice[]; close: () => void }) {
  const [state, form, pending] = useFormAction(changeDefault, {});
  useStaleMfaAnswer(state);
  useEffect(() => {
    if (state?.success) close();
  }, [state, close]);
  return (
    <form {...form} className="space-y-3">
      <fieldset className="space-y-2">
        <legend className="text-sm text-slate-700">Which method do you want to use to sign in?</legend>
        {methods.map((method) => (
          <label key={method.methodId} className="flex items-center gap-2 rounded border border-slate-200 px-3 py-2">
            <input type="radio" name="methodId" value={method.methodId} defaultChecked={method.methodId === defaultMethodId} className="accent-blue-700" />
            <span>{method.label}</span>
          </label>
        ))}
      </fieldset>
      <FormMessage error={state?.error} />
      <DialogActions close={close} pending={pending} label="Confirm" pendingLabel="Saving…" />
    </form>
  );
}
