import { checkDatabaseHealth } from "@/lib/db/health";
import { configProblems } from "@/lib/shared/config";

export const dynamic = "force-dynamic";

/**
 * Public liveness, database reachability and whether the configuration parses (a variable's
 * problem names the variable and what it accepts, never its value); says nothing else.
 */
export async function GET() {
  const database = await checkDatabaseHealth();
  const problems = configProblems();
  const ok = database.ok && problems.length === 0;
  return Response.json(
    { status: ok ? "ok" : "degraded", database, ...(problems.length ? { configuration: { ok: false, problems } } : {}) },
    { status: ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
