"use client";

import { submitNewPassword, type LoginState } from "@/app/(auth)/login/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { NewPasswordFields } from "@/components/methods/new-password-fields";
import { TextField } from "@/components/ui/text-field";
import { useFormAction } from "@/components/ui/use-form-action";

/**
 * Entra's "Update your password", the sign-in's last step for a user whose password is a
 * temporary one from an administrator: the current password, the new one twice, the same rules
 * as Change password. The session is issued only once it succeeds.
 */
export function UpdatePasswordForm({ upn, minPasswordLength }: { upn: string; minPasswordLength: number }) {
  const [state, form, pending] = useFormAction<LoginState>(submitNewPassword, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form {...form} className="space-y-4" aria-labelledby="update-password-heading">
      <p className="text-sm text-slate-700">{upn}</p>
      <h1 id="update-password-heading" className="text-2xl font-semibold">Update your password</h1>
      <p className="text-sm text-slate-700">
        You need to update your password because an administrator gave you a temporary one. Choose your own before you continue.
      </p>
      <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" autoFocus required errors={errors.currentPassword} />
      <NewPasswordFields minLength={minPasswordLength} errors={errors} />
      <FormMessage error={state.fieldErrors ? undefined : state.error} />
      {state.error && !state.fieldErrors ? <a href="/login" className="block text-sm text-blue-700 underline-offset-2 hover:underline">Sign in again</a> : null}
      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>{pending ? "Saving…" : "Sign in"}</Button>
      </div>
    </form>
  );
}
