/**
 * `npm run radius`: the portal's RADIUS server as a process of its own (also started by
 * `npm start` when RADIUS_PORT is set). Run as many as you like on one database: challenges,
 * replay and lockout live in the database, so any instance answers any request.
 */
import { getDb } from "../db/client";
import { startRadiusServer } from "../radius/radius-server";
import { setting } from "../shared/config";

async function main() {
  let port: number | null;
  let limit: number;
  let host: string;
  try {
    [port, limit, host] = [setting("RADIUS_PORT"), setting("RADIUS_MAX_REQUESTS_PER_SECOND"), setting("RADIUS_HOST")];
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  if (port === null) {
    console.error("Set RADIUS_PORT to the UDP port to listen on (1812 is RADIUS's own), e.g. RADIUS_PORT=1812 npm run radius.");
    process.exit(2);
  }
  const db = getDb();
  const server = await startRadiusServer({
    db,
    port,
    host,
    maxRequestsPerSecondPerAddress: limit,
  });
  console.log(`› RADIUS server listening on UDP port ${server.port}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      server.close().finally(() => db.$disconnect().finally(() => process.exit(0)));
    });
  }
}

main().catch((error: Error) => {
  console.error(`The RADIUS server can't start: ${error.message}`);
  process.exit(1);
});
