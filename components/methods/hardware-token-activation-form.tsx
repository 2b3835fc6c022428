"use client";

import { activateOwnToken } from "@/app/(portal)/mysecurityinfo/actions";
import { DialogActions, DialogDone } from "@/components/ui/dialog-actions";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/text-field";
import { useFormAction } from "@/components/ui/use-form-action";
import { useStaleMfaAnswer } from "./fresh-mfa";

/** Self-activation of a hardware token the helpdesk gave the user: serial, a name, the code it shows. */
export function HardwareTokenActivationForm({ close }: { close: () => void }) {
  const [state, form, pending] = useFormAction(activateOwnToken, {});
  useStaleMfaAnswer(state);
  if (state?.success) return <DialogDone message={state.success} close={close} />;
  return (
    <form {...form} className="space-y-3">
      <TextField label="Serial number" name="serialNumber" hint="Printed on the back of the token." required maxLength={64} autoComplete="off" errors={state?.fieldErrors?.serialNumber} />
      <TextField label="Friendly name" name="friendlyName" hint="Optional, e.g. Blue key fob." maxLength={64} autoComplete="off" errors={state?.fieldErrors?.friendlyName} />
      <TextField label="Code shown on the token" name="code" hint="Press the token's button and type the digits it shows." inputMode="numeric" autoComplete="one-time-code" required maxLength={64} errors={state?.fieldErrors?.code} />
      <FormMessage error={state?.error} />
      <DialogActions close={close} pending={pending} label="Activate" pendingLabel="Activating…" />
    </form>
  );
}
