export const dynamic = "force-dynamic";

/**
 * Liveness probe for orchestrators (Kubernetes `livenessProbe`, load balancers): the process
 * answers HTTP. It never touches the database — a database outage must not get healthy
 * instances restarted; `/api/health` reports the database.
 */
export function GET() {
  return Response.json({ status: "live" }, { headers: { "Cache-Control": "no-store" } });
}
