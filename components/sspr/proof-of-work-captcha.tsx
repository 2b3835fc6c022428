"use client";

import { solveChallenge, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/web/sha";
import { useEffect, useState } from "react";

type Status = { state: "solving" } | { state: "solved"; payload: string } | { state: "failed" };

/**
 * The self-hosted proof-of-work check (ALTCHA): solves the server's signed challenge in this
 * browser with Web Crypto — no third-party request, no worker or inline script for the CSP to
 * allow — and puts the answer in the form as `captcha`. Calls `onSolved` so the form can enable Next.
 */
export function ProofOfWorkCaptcha({ challenge, onSolved }: { challenge: Challenge; onSolved: (solved: boolean) => void }) {
  const [status, setStatus] = useState<Status>({ state: "solving" });
  useEffect(() => {
    const controller = new AbortController();
    // A new challenge starts a new solve: the status shown must be reset with it.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setStatus({ state: "solving" });
    onSolved(false);
    solveChallenge({ challenge, deriveKey, controller, timeout: 120_000 })
      .then((solution) => {
        if (controller.signal.aborted) return;
        if (!solution) return setStatus({ state: "failed" });
        const payload = btoa(JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution: { counter: solution.counter, derivedKey: solution.derivedKey } }));
        setStatus({ state: "solved", payload });
        onSolved(true);
      })
      .catch(() => !controller.signal.aborted && setStatus({ state: "failed" }));
    return () => controller.abort();
  }, [challenge, onSolved]);

  return (
    <div className="flex items-center gap-2 rounded border border-slate-300 bg-slate-50 px-3 py-2 text-sm" role="status" aria-live="polite">
      <input type="hidden" name="captcha" value={status.state === "solved" ? status.payload : ""} />
      {status.state === "solving" ? <span>Checking that you&apos;re not a robot…</span> : null}
      {status.state === "solved" ? <span className="text-green-800">✓ You&apos;re not a robot</span> : null}
      {status.state === "failed" ? <span className="text-red-800">The check didn&apos;t finish. Reload the page to try again.</span> : null}
    </div>
  );
}
