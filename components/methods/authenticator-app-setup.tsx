"use client";

import { confirmAppSetup, startAppSetup, type SecurityInfoState } from "@/app/(portal)/mysecurityinfo/actions";
import { DialogActions, DialogDone } from "@/components/ui/dialog-actions";
import { FormMessage } from "@/components/ui/form-message";
import { LocalTime } from "@/components/ui/local-time";
import { TextField } from "@/components/ui/text-field";
import { useFormAction } from "@/components/ui/use-form-action";
import { useStaleMfaAnswer } from "./fresh-mfa";

/** The secret as people type it from a screen: groups of four. */
function groupInFours(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

/**
 * Authenticator app setup: a name, then the QR code (made on the server) with the secret as a
 * "Can't scan?" fallback, then the code the app shows to confirm. The secret lives only in this
 * component's state: closing the dialog forgets it, and the page never shows it again.
 */
export function AuthenticatorAppSetup({ close }: { close: () => void }) {
  const [started, start, starting] = useFormAction<SecurityInfoState>(startAppSetup, {});
  const [confirmed, confirm, confirming] = useFormAction<SecurityInfoState>(confirmAppSetup, {});
  useStaleMfaAnswer(started);
  const setup = started?.appSetup;

  if (confirmed?.success) return <DialogDone message={confirmed.success} close={close} />;
  if (!setup) {
    return (
      <form {...start} className="space-y-3">
        <p className="text-sm text-slate-700">Install an authenticator app on your phone (any app that supports time-based codes), then give it a name here so you can tell your methods apart.</p>
        <TextField label="Name" name="name" defaultValue="Authenticator app" required maxLength={64} errors={started?.fieldErrors?.name} />
        <FormMessage error={started?.error} />
        <DialogActions close={close} pending={starting} label="Next" pendingLabel="Preparing…" />
      </form>
    );
  }
  return (
    <form {...confirm} className="space-y-3">
      <p className="text-sm text-slate-700">In the app, add an account and scan this QR code. This setup stays open until <LocalTime iso={setup.expiresAt} />.</p>
      {/* An image with alternative text: its accessible name is the image's own, whatever the SVG inside holds.
          Made on the server by the qrcode package from our own otpauth URI (img-src allows data:). */}
      <img
        src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`}
        alt={`QR code for setting up your authenticator app "${setup.name}"`}
        className="mx-auto block w-48 max-w-full sm:w-56"
      />
      <details className="rounded border border-slate-200 px-3 py-2 text-sm">
        <summary className="cursor-pointer font-medium text-blue-700">Can&apos;t scan the QR code?</summary>
        <p className="mt-2">Choose to enter a setup key in the app, then type this secret key (Base32, time-based, 6 digits, every 30 seconds):</p>
        <p className="mt-1 break-all font-mono text-base tracking-wide" data-testid="app-secret">{groupInFours(setup.secret)}</p>
      </details>
      <input type="hidden" name="appId" value={setup.appId} />
      <TextField label="Enter the 6-digit code shown in the app" name="code" inputMode="numeric" autoComplete="one-time-code" required maxLength={64} errors={confirmed?.fieldErrors?.code} />
      <FormMessage error={confirmed?.error} />
      <DialogActions close={close} pending={confirming} label="Confirm" pendingLabel="Checking…" />
    </form>
  );
}
