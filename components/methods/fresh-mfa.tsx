"use client";

import { createContext, startTransition, useActionState, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { startAuthentication } from "@simplewebauthn/browser";
import { finishPasskeyVerification, sendVerificationCode, startPasskeyVerification, verifyIdentity, type SecurityInfoState } from "@/app/(portal)/mysecurityinfo/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { useFormAction } from "@/components/ui/use-form-action";
import type { MfaChoice } from "@/lib/methods/security-info";

type FreshMfa = { fresh: boolean; methods: MfaChoice[]; markFresh: () => void; markStale: () => void };
const FreshMfaContext = createContext<FreshMfa>({ fresh: true, methods: [], markFresh: () => {}, markStale: () => {} });

/**
 * Whether changes may go ahead without a code (A4). The server decides and re-checks on every
 * change; this only remembers its answer so one verification unlocks every panel of the page.
 */
export function FreshMfaProvider({ initiallyFresh, methods, children }: { initiallyFresh: boolean; methods: MfaChoice[]; children: ReactNode }) {
  const [fresh, setFresh] = useState(initiallyFresh);
  const value = useMemo(() => ({ fresh, methods, markFresh: () => setFresh(true), markStale: () => setFresh(false) }), [fresh, methods]);
  return (
    <FreshMfaContext.Provider value={value}>
      {children}
    </FreshMfaContext.Provider>
  );
}

/** For a form: when the server answers "verify first", show the code prompt in its place. */
export function useStaleMfaAnswer(state: SecurityInfoState | undefined) {
  const { markStale } = useContext(FreshMfaContext);
  const needsFreshMfa = state?.needsFreshMfa;
  useEffect(() => {
    if (needsFreshMfa) markStale();
  }, [needsFreshMfa, markStale]);
}

/** Shows `children` once the user's MFA is fresh; until then, asks for a code from one of their methods. */
export function FreshMfaGate({ children }: { children: ReactNode }) {
  const { fresh, methods } = useContext(FreshMfaContext);
  if (fresh || methods.length === 0) return <>{children}</>;
  return <VerifyIdentityForm methods={methods} />;
}

/** The passkey's ceremony for "Verify your identity": the browser's dialog between two server actions. */
function usePasskeyVerification(markFresh: () => void) {
  const [state, setState] = useState<SecurityInfoState>({});
  const [pending, setPending] = useState(false);
  async function run() {
    setPending(true);
    setState({});
    try {
      const form = new FormData();
      form.set("ceremony", "passkey");
      const started: SecurityInfoState = await startPasskeyVerification({}, form);
      if (!started.requestOptions) return setState(started);
      let response;
      try {
        response = await startAuthentication({ optionsJSON: started.requestOptions });
      } catch {
        return setState({ error: "The passkey dialog was closed or timed out. Try again when you're ready." });
      }
      const answer = new FormData();
      answer.set("response", JSON.stringify(response));
      const finished: SecurityInfoState = await finishPasskeyVerification({}, answer);
      setState(finished);
      if (finished.success) markFresh();
    } finally {
      setPending(false);
    }
  }
  return { state, pending, run };
}

function VerifyIdentityForm({ methods }: { methods: MfaChoice[] }) {
  const { markFresh } = useContext(FreshMfaContext);
  const [state, form, pending] = useFormAction(verifyIdentity, {});
  const [sent, send, sending] = useActionState(sendVerificationCode, {});
  const [chosen, setChosen] = useState(methods[0].methodId);
  const passkey = usePasskeyVerification(markFresh);
  useEffect(() => {
    if (state?.success) markFresh();
  }, [state, markFresh]);
  const methodPicker = methods.length > 1 ? (
    <SelectField label="Method" name="methodId" value={chosen} onChange={(event) => setChosen(event.target.value)} options={methods.map((m) => ({ value: m.methodId, label: m.label }))} />
  ) : null;
  // A passkey answers with the browser's passkey dialog instead of a typed code.
  if (chosen === "passkey") {
    return (
      <div className="space-y-3" role="group" aria-labelledby="verify-heading">
        <h3 id="verify-heading" className="font-medium">Verify your identity</h3>
        <p className="text-sm text-slate-700">Your last verification was more than 10 minutes ago. Use your passkey to continue.</p>
        {methodPicker}
        <FormMessage error={passkey.state.error} />
        <Button type="button" disabled={passkey.pending} onClick={passkey.run}>{passkey.pending ? "Waiting for your passkey…" : "Use passkey"}</Button>
      </div>
    );
  }
  return (
    <form {...form} className="space-y-3" aria-labelledby="verify-heading">
      <h3 id="verify-heading" className="font-medium">Verify your identity</h3>
      <p className="text-sm text-slate-700">Your last verification was more than 10 minutes ago. Enter a code from one of your sign-in methods to continue.</p>
      {methods.length > 1 ? (
        methodPicker
      ) : (
        <>
          <p className="text-sm">{methods[0].label}</p>
          <input type="hidden" name="methodId" value={methods[0].methodId} />
        </>
      )}
      <TextField label="Verification code" name="code" inputMode="numeric" autoComplete="one-time-code" required maxLength={64} autoFocus errors={state?.fieldErrors?.code} />
      <FormMessage error={state?.error ?? sent?.error} success={state?.error ? undefined : sent?.success} />
      <div className="flex flex-wrap items-center gap-4">
        <Button type="submit" disabled={pending}>{pending ? "Verifying…" : "Verify"}</Button>
        {/* An email method answers with a code mailed on request (after Verify, so Enter verifies). */}
        {methods.some((m) => m.methodId.startsWith("email:")) ? (
          <Button type="button" variant="link" onClick={() => startTransition(() => send(new FormData()))} disabled={sending}>{sending ? "Sending…" : "Send a code to my email"}</Button>
        ) : null}
      </div>
    </form>
  );
}
