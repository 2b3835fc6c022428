"use client";

import { startTransition, useActionState, type FormEvent } from "react";

/** Fields whose values are secrets: passwords, codes, passes (`data-secret` marks the others). */
const SECRET_FIELDS = 'input[type="password"], input[autocomplete="one-time-code"], input[data-secret]';

/**
 * useActionState for a form that keeps what the person typed when the server refuses it: React 19
 * resets a form whose `action` ran, so the form is submitted through onSubmit instead (`action`
 * still works before the page hydrates). Secrets are the exception — passwords and codes are
 * cleared on every submit, the rest stays. Spread the second value on the <form>.
 */
export function useFormAction<State>(action: (state: Awaited<State>, formData: FormData) => State | Promise<State>, initialState: Awaited<State>) {
  const [state, dispatch, pending] = useActionState<State, FormData>(action, initialState);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const formData = new FormData(form, (event.nativeEvent as SubmitEvent).submitter);
    for (const input of form.querySelectorAll<HTMLInputElement>(SECRET_FIELDS)) input.value = "";
    startTransition(() => dispatch(formData));
  };
  return [state, { action: dispatch, onSubmit }, pending] as const;
}
