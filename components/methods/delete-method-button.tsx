"use client";

import { deleteMethod, type SecurityInfoState } from "@/app/(portal)/mysecurityinfo/actions";
import { DialogActions } from "@/components/ui/dialog-actions";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { FormMessage } from "@/components/ui/form-message";
import { DialogButton } from "@/components/ui/modal-dialog";
import { useFormAction } from "@/components/ui/use-form-action";
import { FreshMfaGate, useStaleMfaAnswer } from "./fresh-mfa";

/** Delete with a confirmation dialog; the last MFA method needs the "register again" box ticked. */
export function DeleteMethodButton({ methodId, description, isLastMfaMethod }: { methodId: string; description: string; isLastMfaMethod: boolean }) {
  return (
    <DialogButton label="Delete" buttonLabel={`Delete ${description}`} title="Delete method" variant="link">
      {(close) => (
        <FreshMfaGate>
          <DeleteMethodForm methodId={methodId} description={description} isLastMfaMethod={isLastMfaMethod} close={close} />
        </FreshMfaGate>
      )}
    </DialogButton>
  );
}

function DeleteMethodForm({ methodId, description, isLastMfaMethod, close }: { methodId: string; description: string; isLastMfaMethod: boolean; close: () => void }) {
  const [state, form, pending] = useFormAction<SecurityInfoState>(deleteMethod, {});
  useStaleMfaAnswer(state);
  const askLastMethod = isLastMfaMethod || state?.lastMethod;
  return (
    <form {...form} className="space-y-3">
      <p>Are you sure you want to delete {description}?</p>
      {methodId.startsWith("hardwareToken:") ? <p className="text-sm text-slate-700">The token goes back to your organisation: hand it in to your helpdesk.</p> : null}
      <input type="hidden" name="methodId" value={methodId} />
      {askLastMethod ? (
        <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3">
          <p className="text-sm text-amber-900">This is your last method that can answer a sign-in code.</p>
          <CheckboxField name="confirmLastMethod" label="I understand I'll have to register a sign-in method again the next time I sign in." required />
        </div>
      ) : null}
      <FormMessage error={state?.error} success={state?.success} />
      <DialogActions close={close} pending={pending} label="Delete" pendingLabel="Deleting…" />
    </form>
  );
}
