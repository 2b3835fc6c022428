import { getDb } from "@/lib/db/client";
import { metricsToken, presentsMetricsToken, scrapeMetrics } from "@/lib/metrics/scrape-metrics";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * Prometheus metrics in the text exposition format. A machine endpoint: the bearer token
 * (METRICS_TOKEN) decides who may read it, not a session; without the token configured it
 * doesn't exist (404).
 */
export async function GET(request: Request) {
  const token = metricsToken();
  if (!token) return new Response("Not found.\n", { status: 404, headers: NO_STORE });
  if (!presentsMetricsToken(request.headers.get("authorization"), token)) {
    return new Response("Send the metrics token as 'Authorization: Bearer <METRICS_TOKEN>'.\n", {
      status: 401,
      headers: { ...NO_STORE, "WWW-Authenticate": 'Bearer realm="metrics"' },
    });
  }
  const { contentType, body } = await scrapeMetrics({ db: getDb() });
  return new Response(body, { status: 200, headers: { ...NO_STORE, "Content-Type": contentType } });
}
