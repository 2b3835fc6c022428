"use client";

import { changePassword } from "@/app/(portal)/mysecurityinfo/actions";
import { DialogActions } from "@/components/ui/dialog-actions";
import { FormMessage } from "@/components/ui/form-message";
import { DialogButton } from "@/components/ui/modal-dialog";
import { useFormAction } from "@/components/ui/use-form-action";
import { FreshMfaGate, useStaleMfaAnswer } from "./fresh-mfa";
import { NewPasswordFields } from "./new-password-fields";

/** Change password (behind the fresh-MFA gate, so no old password). Every session ends after it. */
export function ChangePasswordButton({ minLength }: { minLength: number }) {
  return (
    <DialogButton label="Change" buttonLabel="Change password" title="Change password" variant="link">
      {(close) => (
        <FreshMfaGate>
          <ChangePasswordForm minLength={minLength} close={close} />
        </FreshMfaGate>
      )}
    </DialogButton>
  );
}

function ChangePasswordForm({ minLength, close }: { minLength: number; close: () => void }) {
  const [state, form, pending] = useFormAction(changePassword, {});
  useStaleMfaAnswer(state);
  return (
    <form {...form} className="space-y-3">
      <NewPasswordFields minLength={minLength} errors={state?.fieldErrors ?? {}} />
      <p className="text-sm text-slate-700">You will be signed out everywhere, this browser included, and sign in again with the new password.</p>
      <FormMessage error={state?.fieldErrors ? undefined : state?.error} />
      <DialogActions close={close} pending={pending} label="Change password" pendingLabel="Changing…" />
    </form>
  );
}
