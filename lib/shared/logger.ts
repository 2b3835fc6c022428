/**
 * The portal's one logger (pino): one JSON line per event on standard output, with a level
 * ("info", "warn", "error"…), the time, and — inside a web request — that request's id, so every
 * line a request wrote can be found from one of them (and from the error page's Reference, whose
 * digest the request's error line carries: see instrumentation.ts).
 *
 * Nothing secret is logged on purpose; as a second line of defence, a field whose name says it
 * holds a secret (password, secret, code, seed, token, …) is written as "[Redacted]" at any depth.
 * Messages are our own sentences: never put a value the user typed into one.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";
import { setting } from "./config";

export type RequestContext = { requestId: string };

// One store per process, shared through a global: lib/server/serve-portal.mjs (plain Node) sets
// it where a request enters, and the copy of this module the Next.js build bundles reads it.
const STORE_KEY = Symbol.for("portal.requestContext");

function requestStore(): AsyncLocalStorage<RequestContext> {
  const holder = globalThis as { [STORE_KEY]?: AsyncLocalStorage<RequestContext> };
  return (holder[STORE_KEY] ??= new AsyncLocalStorage<RequestContext>());
}

/** Runs `work` as part of the request `requestId`: every log line it writes carries the id. */
export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return requestStore().run({ requestId }, work);
}

/** The id of the request being served, when there is one. */
export function currentRequestId(): string | undefined {
  return requestStore().getStore()?.requestId;
}

const SECRET_NAMES = new Set(["code", "otp", "tap", "key", "pin", "seed", "cookie", "authorization", "credentials"]);
const SECRET_ENDINGS = /(password|passphrase|passcode|secret|seed|token|apikey|privatekey|sharedkey)$/;

/** Whether a field name says its value is a secret (case, `_` and `-` ignored). */
export function isSecretFieldName(name: string): boolean {
  const plain = name.toLowerCase().replace(/[_-]/g, "");
  return SECRET_NAMES.has(plain) || SECRET_ENDINGS.test(plain);
}

function redact(value: unknown, depth: number): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  // Errors go to pino's error serializer (message, stack); other class instances stay as they are.
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, isSecretFieldName(name) ? "[Redacted]" : redact(item, depth + 1)]));
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Builds a logger writing to `destination` (standard output unless a test passes its own stream). */
export function createLogger(options: { level?: LogLevel; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redact(fields, 0) as Record<string, unknown>,
      },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    // Synchronous, so the last lines before an exit are written.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** LOG_LEVEL, or "info" when it is not valid (the start command and the health check report that). */
function configuredLevel(): LogLevel {
  try {
    return setting("LOG_LEVEL");
  } catch {
    return "info";
  }
}

let shared: Logger | undefined;

/** The process's logger (made on first use, at LOG_LEVEL). */
export function logger(): Logger {
  return (shared ??= createLogger({ level: configuredLevel() }));
}

/** An error's message for a log line, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
