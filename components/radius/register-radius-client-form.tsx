"use client";

import { startTransition, useActionState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { FormMessage } from "@/components/ui/form-message";
import { SelectField, type SelectOption } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";

type State = { error?: string; fieldErrors?: Record<string, string[] | undefined>; success?: string; sharedSecret?: string };

/**
 * Registers a RADIUS client. The generated shared secret comes back once and is shown here only
 * (it is stored sealed; reloading the page loses it).
 */
export function RegisterRadiusClientForm(props: {
  action: (previous: State | undefined, formData: FormData) => Promise<State>;
  styles: SelectOption[];
  groups: SelectOption[];
  filterIdRows: number;
}) {
  const [state, dispatch, pending] = useActionState<State, FormData>(props.action, {});
  const errors = state.fieldErrors ?? {};
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => dispatch(formData));
  };
  return (
    <form action={dispatch} onSubmit={submit} aria-label="Register a RADIUS client" className="space-y-3">
      <TextField label="Name" name="name" required maxLength={120} errors={errors.name} hint="How sign-in logs and Conditional Access name it, e.g. the VPN's host name." />
      <TextField label="Source address or CIDR range" name="address" required maxLength={64} errors={errors.address} hint="The address its requests come from: 192.0.2.10, 10.0.0.0/24 or 2001:db8::/64." />
      <SelectField label="How it asks for the code" name="style" options={props.styles} />
      <CheckboxField label="Require Message-Authenticator (drop requests without a valid one — leave on unless the device can't send it)" name="requireMessageAuthenticator" defaultChecked />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Filter-Id on Access-Accept for group members (optional)</legend>
        {Array.from({ length: props.filterIdRows }, (_, i) => i + 1).map((n) => (
          <div key={n} className="grid gap-2 sm:grid-cols-2">
            <SelectField label={`Group ${n}`} name={`filterGroup${n}`} options={[{ value: "", label: "(none)" }, ...props.groups]} />
            <TextField label={`Filter-Id ${n}`} name={`filterId${n}`} maxLength={253} errors={errors[`filterId${n}`]} />
          </div>
        ))}
      </fieldset>
      <Button type="submit" disabled={pending}>Register client</Button>
      <FormMessage error={state.error} success={state.success} />
      {state.sharedSecret ? (
        <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-medium">Shared secret (shown only now — enter it in the VPN&apos;s RADIUS settings):</p>
          <p className="mt-1 select-all break-all font-mono text-base" data-testid="radius-shared-secret">{state.sharedSecret}</p>
        </div>
      ) : null}
    </form>
  );
}
