"use client";

import { useActionState } from "react";
import { changePassword } from "@/app/(portal)/mysecurityinfo/actions";
import { DialogActions } from "@/components/ui/dialog-actions";
import { FormMessage } from "@/components/ui/form-message";
import { DialogButton } from "@/components/ui/modal-dialog";
import { TextField } from "@/components/ui/text-field";
import { FreshMfaGate, useStaleMfaAnswer } from "./fresh-mfa";

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
  const [state, action, pending] = useActionState(changePassword, {});
  useStaleMfaAnswer(state);
  return (
    <form action={action} className="space-y-3">
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={minLength}
        hint={`At least ${minLength} characters. Long passphrases are welcome; common passwords and your user name aren't.`}
        errors={state?.fieldErrors?.newPassword}
      />
      <TextField label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" required errors={state?.fieldErrors?.confirmPassword} />
      <p className="text-sm text-slate-700">You will be signed out everywhere, this browser included, and sign in again with the new password.</p>
      <FormMessage error={state?.fieldErrors ? undefined : state?.error} />
      <DialogActions close={close} pending={pending} label="Change password" pendingLabel="Changing…" />
    </form>
  );
}
