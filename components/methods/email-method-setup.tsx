"use client";

import { startTransition, useActionState } from "react";
import { confirmEmailSetup, resendEmailSetupCode, startEmailSetup, type SecurityInfoState } from "@/app/(portal)/mysecurityinfo/actions";
import { Button } from "@/components/ui/button";
import { DialogActions, DialogDone } from "@/components/ui/dialog-actions";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/text-field";
import { useFormAction } from "@/components/ui/use-form-action";
import { useStaleMfaAnswer } from "./fresh-mfa";

/**
 * Adding email as a sign-in method: the address, then the code sent to it (8 digits, 10 minutes).
 * Until the code is entered the address can't answer sign-in.
 */
export function EmailMethodSetup({ close }: { close: () => void }) {
  const [started, start, starting] = useFormAction<SecurityInfoState>(startEmailSetup, {});
  const [confirmed, confirm, confirming] = useFormAction<SecurityInfoState>(confirmEmailSetup, {});
  const [resent, resend, resending] = useActionState<SecurityInfoState, FormData>(resendEmailSetupCode, {});
  useStaleMfaAnswer(started);
  const setup = started?.emailSetup;

  if (confirmed?.success) return <DialogDone message={confirmed.success} close={close} />;
  if (!setup) {
    return (
      <form {...start} className="space-y-3">
        <p className="text-sm text-slate-700">Enter an email address you can read when you sign in or reset your password. We&apos;ll send a code to it to check it&apos;s yours.</p>
        <TextField label="Email address" name="address" type="email" autoComplete="email" required maxLength={254} errors={started?.fieldErrors?.address} />
        <FormMessage error={started?.error} />
        <DialogActions close={close} pending={starting} label="Send code" pendingLabel="Sending…" />
      </form>
    );
  }
  return (
    <form {...confirm} className="space-y-3">
      <p className="text-sm text-slate-700">We sent an 8-digit code to <strong>{setup.address}</strong>. It expires in 10 minutes.</p>
      <TextField label="Enter the code from the email" name="code" inputMode="numeric" autoComplete="one-time-code" required maxLength={64} errors={confirmed?.fieldErrors?.code} />
      <FormMessage error={confirmed?.error ?? resent?.error} success={confirmed?.error ? undefined : resent?.success} />
      <DialogActions close={close} pending={confirming} label="Confirm" pendingLabel="Checking…" />
      {/* After Confirm in the page's order, so Enter in the code field confirms. */}
      <p className="text-sm">
        Didn&apos;t get it?{" "}
        <Button type="button" variant="link" onClick={() => startTransition(() => resend(new FormData()))} disabled={resending}>{resending ? "Sending…" : "Send a new code"}</Button>
      </p>
    </form>
  );
}
