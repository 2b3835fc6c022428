"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/text-field";
import { useFormAction } from "@/components/ui/use-form-action";
import type { ActionState } from "@/lib/server/validated-action";

type TokenAction = (previous: ActionState | undefined, formData: FormData) => Promise<ActionState>;
export type TokenActions = Record<"assign" | "unassign" | "reassign" | "activate" | "resync" | "delete", TokenAction>;

/**
 * The actions that apply to a token in its status and that the admin's roles allow. One action
 * state serves every form, so the outcome message stays on screen when the token's new status
 * swaps the forms (e.g. Activate gives way to Resync after a successful activation).
 */
export function TokenActionPanel(props: {
  tokenId: string;
  serialNumber: string;
  status: string;
  holderUpn: string | null;
  allowed: { assign: boolean; activate: boolean; delete: boolean };
  actions: TokenActions;
}) {
  const { tokenId, serialNumber, status, holderUpn, allowed, actions } = props;
  const [state, formProps, pending] = useFormAction<ActionState>(
    (previous, formData) => actions[formData.get("intent") as keyof TokenActions](previous, formData),
    {},
  );
  const errors = state.fieldErrors ?? {};
  const held = holderUpn !== null;

  const form = (intent: keyof TokenActions, title: string, children: ReactNode, submit: string) => (
    <form key={intent} {...formProps} className="space-y-3 rounded border border-slate-200 bg-white p-4" aria-labelledby={`${intent}-heading`}>
      <h2 id={`${intent}-heading`} className="text-lg font-semibold">{title}</h2>
      <input type="hidden" name="tokenId" value={tokenId} />
      <input type="hidden" name="intent" value={intent} />
      {children}
      <Button type="submit" disabled={pending} variant={intent === "delete" || intent === "unassign" ? "secondary" : "primary"}>{submit}</Button>
    </form>
  );

  const forms: ReactNode[] = [];
  if (allowed.activate && held && (status === "assigned" || status === "failedActivation")) {
    forms.push(form("activate", "Activate", (
      <>
        <p className="text-sm text-slate-700">Press the token&apos;s button and type the code it shows. A clock that drifted up to a day is found and remembered.</p>
        <TextField label="Code shown on the token" name="code" inputMode="numeric" autoComplete="off" data-secret required maxLength={64} errors={errors.code} />
      </>
    ), "Activate"));
  }
  if (allowed.activate && status === "activated") {
    forms.push(form("resync", "Resync", (
      <>
        <p className="text-sm text-slate-700">If its codes stopped working at sign-in, the token&apos;s clock has drifted. Type the code it shows, wait for the next one and type that too.</p>
        <TextField label="First code" name="firstCode" inputMode="numeric" autoComplete="off" data-secret required maxLength={64} errors={errors.firstCode} />
        <TextField label="Next code" name="secondCode" inputMode="numeric" autoComplete="off" data-secret required maxLength={64} errors={errors.secondCode} />
      </>
    ), "Resync"));
  }
  if (allowed.assign && !held && status === "available") {
    forms.push(form("assign", "Assign to a user", (
      <TextField label="User (UPN)" name="upn" type="email" autoComplete="off" required placeholder="alice@contoso.example" errors={errors.upn} />
    ), "Assign"));
  }
  if (allowed.assign && held) {
    forms.push(form("reassign", "Reassign to another user", (
      <TextField label="New user (UPN)" name="upn" type="email" autoComplete="off" required placeholder="bob@contoso.example" hint="The token moves at once and must be activated again." errors={errors.upn} />
    ), "Reassign"));
    forms.push(form("unassign", "Unassign", (
      <p className="text-sm text-slate-700">{holderUpn} can no longer sign in with {serialNumber}; it goes back to the inventory as available.</p>
    ), `Unassign from ${holderUpn}`));
  }
  if (allowed.delete && !held && status === "available") {
    forms.push(form("delete", "Delete", (
      <>
        <p className="text-sm text-slate-700">Removes {serialNumber} and its secret from the inventory. To use it again, upload its file again.</p>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="confirm" required aria-describedby="confirm-error" /> I want to delete token {serialNumber}
        </label>
        <div id="confirm-error" aria-live="polite" className="text-sm text-red-700">{errors.confirm?.join(" ")}</div>
      </>
    ), "Delete token"));
  }

  return (
    <section aria-label="Token actions" className="space-y-4">
      <FormMessage error={state.error} success={state.success} />
      {forms.length > 0 ? <div className="grid gap-4 md:grid-cols-2">{forms}</div> : <p className="text-sm text-slate-700">Your roles allow no action on this token in its current status.</p>}
    </section>
  );
}
