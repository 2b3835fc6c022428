import { checkDatabaseHealth } from "@/lib/db/health";

export const dynamic = "force-dynamic";

/** Public liveness and database reachability; says nothing else about the system. */
export async function GET() {
  const database = await checkDatabaseHealth();
  return Response.json(
    { status: database.ok ? "ok" : "degraded", database },
    { status: database.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
