"use client";

import { confirmSsprMethodsAction } from "@/app/(portal)/moreinformation/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { useFormAction } from "@/components/ui/use-form-action";
import type { ActionState } from "@/lib/server/validated-action";

/** The "Looks good" button of "More information required". */
export function ConfirmMethodsForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, form, pending] = useFormAction<ActionState>(confirmSsprMethodsAction, {});
  return (
    <form {...form} className="space-y-2">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Button type="submit" disabled={pending}>Looks good</Button>
      <FormMessage error={state.error} />
    </form>
  );
}
