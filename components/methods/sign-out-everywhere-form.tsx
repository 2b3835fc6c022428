"use client";

import { useActionState } from "react";
import { signOutEverywhere } from "@/app/(portal)/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";

export function SignOutEverywhereForm() {
  const [state, action, pending] = useActionState(signOutEverywhere, {});
  return (
    <form action={action} className="space-y-2">
      <Button type="submit" variant="secondary" disabled={pending}>Sign out everywhere</Button>
      <FormMessage error={state?.error} />
    </form>
  );
}
