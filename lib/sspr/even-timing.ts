/**
 * Password reset answers no sooner than this after a request began. The paths for an account that
 * can reset and one that can't (or doesn't exist) do similar work, but not identical work — a real
 * code check writes the lockout counter, a sent email code writes the outbox — so each answer is
 * held back to one floor that is well above either path's usual time (R1: similar timing).
 */
export const PASSWORD_RESET_MIN_RESPONSE_MS = 250;

/** Runs `work` and resolves no sooner than `minimumMs` after it began (also when it throws). */
export async function withMinimumDuration<T>(minimumMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const left = minimumMs - (performance.now() - started);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  }
}
