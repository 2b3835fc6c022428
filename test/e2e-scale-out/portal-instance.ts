// A production portal server (serve-portal.mjs on the current build, as `npm start` runs it) that a test starts, kills with
// SIGKILL and restarts itself: the fault and scale-out specs need to own their server processes.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

const root = path.join(__dirname, "..", "..");
// The portal's own server (Next.js behind it, as `npm start` serves it).
const serveScript = path.join(root, "lib", "server", "serve-portal.mjs");

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export type PortalInstance = {
  name: string;
  url: string;
  /** pid of the running server (it serves in this very process: SIGKILL leaves nothing behind) */
  pid: () => number;
  /** everything the server printed so far */
  log: () => string;
  /** the process has not exited */
  running: () => boolean;
  /** kill -9: no shutdown hook, no last commit */
  kill9: () => Promise<void>;
  start: () => Promise<void>;
  stop: () => Promise<void>;
};

/**
 * Starts the portal's server on `port` with the test's environment (DATABASE_URL, PORTAL_DATA_DIR and the
 * keys) plus `env`, and waits until it answers HTTP. The environment of the test runner's loader
 * (NODE_OPTIONS) is left out: the server is a plain production process.
 */
export async function startPortalInstance(options: { name: string; port?: number; env?: Record<string, string> }): Promise<PortalInstance> {
  const port = options.port ?? (await freePort());
  const url = `http://localhost:${port}`;
  let child: ChildProcess | null = null;
  let output = "";

  const start = async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, PORT: String(port), NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
    delete env.NODE_OPTIONS;
    const started = spawn(process.execPath, [serveScript], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    started.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    started.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    for (let i = 0; i < 600; i++) {
      if (started.exitCode !== null) throw new Error(`${options.name} exited with ${started.exitCode}:\n${output}`);
      try {
        // Any HTTP answer (503 included: the database may be cut on purpose) means it is serving.
        await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    throw new Error(`${options.name} did not answer on ${url}:\n${output}`);
  };

  const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => c.once("exit", () => resolve())));

  await start();
  return {
    name: options.name,
    url,
    pid: () => child!.pid!,
    log: () => output,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    kill9: async () => {
      const c = child!;
      c.kill("SIGKILL");
      await exited(c);
    },
    start,
    stop: async () => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      c.kill("SIGTERM");
      const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
      await exited(c);
      clearTimeout(timer);
    },
  };
}
