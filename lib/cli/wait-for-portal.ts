export type PortalHealth = { ok: true } | { ok: false; reason: string };

/**
 * Asks a starting server's `/api/health` until it answers, and says whether it can serve: the
 * start command prints where to sign in only after this, and stops the server with the reason when
 * it can't (its database unreachable, or one without the migrations — a different file than the
 * one the start command prepared). Refused connections are retried until `timeoutMs`.
 */
export async function waitForPortalHealth(options: { healthUrl: string; timeoutMs: number; serverExited: () => boolean }): Promise<PortalHealth> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.serverExited()) return { ok: false, reason: "the server stopped before it answered" };
    let response: Response | undefined;
    try {
      response = await fetch(options.healthUrl, { cache: "no-store", signal: AbortSignal.timeout(30_000) });
    } catch {
      // Not listening yet (or a first request still compiling in `next dev`): ask again.
    }
    if (response) {
      if (response.ok) return { ok: true };
      const body = (await response.json().catch(() => null)) as { database?: { error?: unknown }; configuration?: { problems?: unknown } } | null;
      const problems = body?.configuration?.problems;
      const error = Array.isArray(problems) && problems.length ? problems.join(" ") : body?.database?.error;
      return { ok: false, reason: typeof error === "string" ? error : `${options.healthUrl} answered ${response.status}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { ok: false, reason: `the server did not answer ${options.healthUrl} within ${Math.round(options.timeoutMs / 1000)} s` };
}
