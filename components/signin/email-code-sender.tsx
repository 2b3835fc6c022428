"use client";

import { startTransition, useActionState } from "react";
import { sendEmailCode, type LoginState } from "@/app/(auth)/login/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";

/**
 * The code step's "Send code" for an email method. A plain button (not a submit button) so that
 * Enter in the code field still verifies; it asks the server to mail a code for this method.
 */
export function EmailCodeSender({ methodId }: { methodId: string }) {
  const [state, send, sending] = useActionState<LoginState, FormData>(sendEmailCode, {});
  const request = () => {
    const form = new FormData();
    form.set("methodId", methodId);
    startTransition(() => send(form));
  };
  return (
    <div className="space-y-2">
      <Button type="button" variant="secondary" onClick={request} disabled={sending}>
        {sending ? "Sending…" : state.success ? "Send a new code" : "Send code"}
      </Button>
      <FormMessage error={state.error} success={state.success} />
    </div>
  );
}
