"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogButton } from "@/components/ui/modal-dialog";
import { SelectField } from "@/components/ui/select-field";
import { AuthenticatorAppSetup } from "./authenticator-app-setup";
import { EmailMethodSetup } from "./email-method-setup";
import { FreshMfaGate } from "./fresh-mfa";
import { HardwareTokenActivationForm } from "./hardware-token-activation-form";
import { PasskeySetup } from "./passkey-setup";

type MethodKind = "authenticatorApp" | "hardwareToken" | "passkey" | "email";

const METHOD_LABELS: Record<MethodKind, string> = { authenticatorApp: "Authenticator app", hardwareToken: "Hardware token", passkey: "Passkey", email: "Email" };

/**
 * "Add sign-in method": pick a kind, then its own setup steps (behind the fresh-MFA gate). Only
 * the kinds the authentication methods policy lets this user add are offered (the server refuses
 * the others anyway).
 */
export function AddMethodDialog({ methods }: { methods: MethodKind[] }) {
  if (!methods.length) return <p className="text-sm text-slate-700">Your organisation doesn&apos;t let you add sign-in methods yourself. Ask your helpdesk.</p>;
  return (
    <DialogButton label="+ Add sign-in method" title="Add a method" variant="primary">
      {(close) => (
        <FreshMfaGate>
          <AddMethodSteps close={close} methods={methods} />
        </FreshMfaGate>
      )}
    </DialogButton>
  );
}

function AddMethodSteps({ close, methods }: { close: () => void; methods: MethodKind[] }) {
  const [kind, setKind] = useState<MethodKind | null>(null);
  if (kind === "authenticatorApp") return <AuthenticatorAppSetup close={close} />;
  if (kind === "hardwareToken") return <HardwareTokenActivationForm close={close} />;
  if (kind === "email") return <EmailMethodSetup close={close} />;
  if (kind === "passkey") return <PasskeySetup close={close} />;
  return (
    <form
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        setKind(new FormData(event.currentTarget).get("kind") as MethodKind);
      }}
    >
      <SelectField
        label="Which method would you like to add?"
        name="kind"
        options={methods.map((value) => ({ value, label: METHOD_LABELS[value] }))}
      />
      <div className="flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={close}>Cancel</Button>
        <Button type="submit">Next</Button>
      </div>
    </form>
  );
}
