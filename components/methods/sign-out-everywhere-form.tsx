"use client";

import { signOutEverywhere } from "@/app/(portal)/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { useFormAction } from "@/components/ui/use-form-action";

export function SignOutEverywhereForm() {
  const [state, form, pending] = useFormAction(signOutEverywhere, {});
  return (
    <form {...form} className="space-y-2">
      <Button type="submit" variant="secondary" disabled={pending}>Sign out everywhere</Button>
      <FormMessage error={state?.error} />
    </form>
  );
}
