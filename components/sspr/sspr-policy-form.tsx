"use client";

import { startTransition, useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import type { DirectoryActionState } from "@/lib/directory/console-actor";
import type { SsprPolicy } from "@/lib/sspr/sspr-policy-model";
import { SsprPolicyFields } from "./sspr-policy-fields";

type SaveAction = (previous: DirectoryActionState | undefined, formData: FormData) => Promise<DirectoryActionState>;

/**
 * The password reset settings form. It submits through onSubmit rather than the form's `action`,
 * because React resets a form after its action runs: a refused save would otherwise throw away
 * what the admin chose, and they should only have to fix the field the reason names.
 */
export function SsprPolicyForm({ action, policy, groups }: { action: SaveAction; policy: SsprPolicy; groups: { id: string; name: string }[] }) {
  const [state, dispatch, pending] = useActionState<DirectoryActionState, FormData>(action, {});
  const fieldMessages = Object.values(state.fieldErrors ?? {}).flat().filter((message): message is string => Boolean(message));
  return (
    <form
      aria-label="Password reset settings"
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        const formData = new FormData(event.currentTarget);
        startTransition(() => dispatch(formData));
      }}
    >
      <SsprPolicyFields policy={policy} groups={groups} />
      <Button type="submit" disabled={pending}>Save</Button>
      <FormMessage error={state.error && fieldMessages.length ? `${state.error} ${fieldMessages.join(" ")}` : state.error} success={state.success} />
    </form>
  );
}
