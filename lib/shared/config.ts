/**
 * The portal's configuration: every environment variable the server reads, one entry each, with
 * what it accepts and its default (the README's Configuration table lists exactly these; a test
 * keeps the two in step). Add a variable by adding an entry here and a row there.
 *
 * A value is read through `setting(name)` when the code needs it, parsed once and cached for as
 * long as the variable keeps that value (tests change variables between cases; a server never
 * does). A value that doesn't parse is an error naming the variable and what it accepts — never a
 * silent default: `npm start` checks all of them before building or serving (`configProblems`),
 * and the health check reports them. Empty or blank counts as unset.
 *
 * Left out on purpose: NODE_ENV and NEXT_RUNTIME (Next.js's own), PORTAL_PEER_STAMP (passed from
 * the portal's HTTP server to its request handlers, not set by anyone), and variables only the
 * tests and benchmarks read.
 */
import { z } from "zod";
import { trustedProxies } from "./client-address";

type Entry<T> = { description: string; accepts: string; schema: z.ZodType<T, string | undefined> };

function entry<T>(description: string, accepts: string, schema: z.ZodType<T, string | undefined>): Entry<T> {
  return { description, accepts, schema };
}

const fail = (ctx: z.RefinementCtx) => {
  ctx.addIssue({ code: "custom", message: "invalid" });
  return z.NEVER;
};

/** A whole number of at least `min`; larger than `max` counts as `max` (as the README says). */
function wholeNumber(options: { fallback: number; min: number; max?: number }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return options.fallback;
      const value = Number(raw);
      if (!/^[+]?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < options.min) return fail(ctx);
      return options.max === undefined ? value : Math.min(value, options.max);
    });
}

function positiveNumber(options: { fallback: number; max?: number }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return options.fallback;
      const value = Number(raw);
      if (!Number.isFinite(value) || value <= 0) return fail(ctx);
      return options.max === undefined ? value : Math.min(value, options.max);
    });
}

const optionalText = z.string().optional();
const textOr = (fallback: string) => z.string().optional().transform((raw) => raw ?? fallback);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .optional()
    .refine((raw) => {
      if (raw === undefined) return true;
      try {
        return protocols.includes(new URL(raw).protocol);
      } catch {
        return false;
      }
    });

const KEY_LIST = "32-byte base64 keys (openssl rand -base64 32), newest first, separated by commas";

export const SETTINGS = {
  PORT: entry("HTTP port of npm start", "a port number from 1 to 65535", wholeNumber({ fallback: 3000, min: 1 }).refine((port) => port <= 65535)),
  DATABASE_URL: entry(
    "the database: PostgreSQL or a SQLite file; unset → portal.db in the data folder",
    "postgresql://… (or postgres://…) or file:<path>",
    z
      .string()
      .optional()
      .refine((raw) => raw === undefined || /^postgres(ql)?:\/\//i.test(raw) || raw.startsWith("file:")),
  ),
  PORTAL_DATA_DIR: entry("where the SQLite file, generated keys and demo credentials live", "a folder path", optionalText),
  PORTAL_SECRET_KEY: entry("AES-256-GCM keys for token and app seeds; unset → generated data/secret.key", KEY_LIST, optionalText),
  PORTAL_AUTH_KEY: entry("the session cookie keys when AUTH_SECRET is unset; unset → generated data/auth.key", KEY_LIST, optionalText),
  AUTH_SECRET: entry("signs and encrypts session cookies (a list, newest first); unset → PORTAL_AUTH_KEY or data/auth.key", "one or more secrets separated by commas", optionalText),
  AUTH_URL: entry("Auth.js's public address; the fallback for PORTAL_BASE_URL", "an http:// or https:// URL", optionalUrl(["http:", "https:"])),
  MFA_LOCKOUT_THRESHOLD: entry("consecutive wrong codes before MFA locks", "a whole number of at least 1 (above 100 counts as 100)", wholeNumber({ fallback: 10, min: 1, max: 100 })),
  MFA_LOCKOUT_MINUTES: entry("how long an MFA lock lasts", "a number of minutes above 0", positiveNumber({ fallback: 15 })),
  SIGNIN_LOCKOUT_THRESHOLD: entry("wrong passwords for one account from one address before sign-in locks there", "a whole number of at least 1 (above 100 counts as 100)", wholeNumber({ fallback: 5, min: 1, max: 100 })),
  SIGNIN_LOCKOUT_ACCOUNT_THRESHOLD: entry("wrong passwords for one account from all addresses before sign-in locks everywhere", "a whole number of at least 1 (above 10000 counts as 10000)", wholeNumber({ fallback: 50, min: 1, max: 10_000 })),
  SIGNIN_LOCKOUT_MINUTES: entry("the first sign-in lock", "a whole number of minutes of at least 1 (above 1440 counts as 1440)", wholeNumber({ fallback: 1, min: 1, max: 24 * 60 })),
  SIGNIN_LOCKOUT_MAX_MINUTES: entry("the longest sign-in lock", "a whole number of minutes of at least 1 (above 1440 counts as 1440)", wholeNumber({ fallback: 60, min: 1, max: 24 * 60 })),
  SESSION_MAX_HOURS: entry("a session's absolute lifetime", "a number of hours above 0 (fractions allowed; above 720 counts as 720)", positiveNumber({ fallback: 12, max: 24 * 30 })),
  TRUSTED_PROXIES: entry(
    "the reverse proxies whose X-Forwarded-For counts",
    "IP addresses or CIDR ranges separated by commas (e.g. 10.0.0.5, 10.1.0.0/16, fd00::/8)",
    z
      .string()
      .optional()
      .superRefine((raw, ctx) => {
        try {
          trustedProxies(raw ?? "");
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
  ),
  DATABASE_POOL_SIZE: entry("PostgreSQL connections per instance", "a whole number of at least 1", wholeNumber({ fallback: 10, min: 1 })),
  PASSWORD_MIN_LENGTH: entry("shortest new password", "a whole number (below 8 counts as 8, above 64 as 64)", z.string().optional().transform((raw, ctx) => {
    if (raw === undefined) return 12;
    if (!/^[+-]?\d+$/.test(raw)) return fail(ctx);
    return Math.min(Math.max(Number(raw), 8), 64);
  })),
  PORTAL_ISSUER: entry("the issuer name authenticator apps show", "any text", textOr("Contoso")),
  SMTP_URL: entry("where mail is delivered; unset → mail stays in the outbox", "an smtp:// or smtps:// URL", optionalUrl(["smtp:", "smtps:"])),
  MAIL_FROM: entry("the sender of the portal's mail", "an address, optionally with a name", textOr('"Security info" <no-reply@localhost>')),
  PORTAL_BASE_URL: entry("the portal's public address, for links in mail and the OpenID Connect issuer", "an http:// or https:// URL", optionalUrl(["http:", "https:"])),
  OUTBOX_RETENTION_DAYS: entry("days mail is kept in the outbox", "a whole number of days of at least 1 (above 3650 counts as 3650)", wholeNumber({ fallback: 30, min: 1, max: 3650 })),
  PASSWORD_RESET_CAPTCHA_MAX_NUMBER: entry("difficulty of the password reset robot check", "a whole number of at least 10 (above 10000000 counts as 10000000)", wholeNumber({ fallback: 50_000, min: 10, max: 10_000_000 })),
  PASSWORD_RESET_CAPTCHA_KEY: entry("signs the robot check's challenges; unset → generated data/captcha.key", KEY_LIST, optionalText),
  PASSWORD_RESET_ACCOUNT_LIMIT: entry("password resets one UPN may start per window", "a whole number of at least 1 (above 1000 counts as 1000)", wholeNumber({ fallback: 5, min: 1, max: 1000 })),
  PASSWORD_RESET_IP_LIMIT: entry("password resets one IP address may start per window", "a whole number of at least 1 (above 100000 counts as 100000)", wholeNumber({ fallback: 30, min: 1, max: 100_000 })),
  PASSWORD_RESET_LIMIT_WINDOW_MINUTES: entry("the sliding window of both reset limits", "a whole number of minutes of at least 1 (above 1440 counts as 1440)", wholeNumber({ fallback: 60, min: 1, max: 24 * 60 })),
  TOKEN_UPLOAD_MAX_BYTES: entry("largest CSV upload", "a whole number of bytes of at least 1", wholeNumber({ fallback: 32 * 1024 * 1024, min: 1 })),
  TOKEN_UPLOAD_MAX_ROWS: entry("most token rows in one upload", "a whole number of at least 1", wholeNumber({ fallback: 200_000, min: 1 })),
  TOKEN_UPLOAD_MAX_PSKC_BYTES: entry("largest PSKC upload", "a whole number of bytes of at least 1", wholeNumber({ fallback: 8 * 1024 * 1024, min: 1 })),
  RADIUS_PORT: entry("UDP port of the RADIUS server; unset → no RADIUS server", "a port number from 1 to 65535", z.string().optional().refine((raw) => raw === undefined || (/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 65535)).transform((raw) => (raw === undefined ? null : Number(raw)))),
  RADIUS_HOST: entry("address the RADIUS server listens on", "an IP address or host name", textOr("0.0.0.0")),
  RADIUS_MAX_REQUESTS_PER_SECOND: entry("Access-Requests one source address may send per second", "a whole number of at least 1", wholeNumber({ fallback: 1000, min: 1 })),
  SIGN_IN_RETENTION_DAYS: entry("days sign-in logs are kept", "a whole number of days of at least 1 (above 36500 counts as 36500)", wholeNumber({ fallback: 30, min: 1, max: 36_500 })),
  AUDIT_RETENTION_DAYS: entry("days audit events are kept", "a whole number of days of at least 1 (above 36500 counts as 36500)", wholeNumber({ fallback: 365, min: 1, max: 36_500 })),
  METRICS_TOKEN: entry("the bearer token for GET /api/metrics; unset → metrics off", "any text", optionalText),
  VERIFY_API_KEY: entry("the bearer key for POST /api/verify; unset → the verification API is off", "any text", optionalText),
  API_RATE_LIMIT_PER_MINUTE: entry("requests one application may make to the automation API per minute", "a whole number of at least 1", wholeNumber({ fallback: 600, min: 1 })),
  PORTAL_RAW_HOT_PATH: entry("the code check's statements as prepared statements on the driver (1) or through Prisma (0, for comparing)", "0 or 1", z.enum(["0", "1"]).optional().transform((raw) => raw !== "0")),
  LOG_LEVEL: entry("the least severe log events written", "fatal, error, warn, info, debug, trace or silent", z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional().transform((level) => level ?? "info")),
};

export type SettingName = keyof typeof SETTINGS;
type Parsed<N extends SettingName> = z.output<(typeof SETTINGS)[N]["schema"]>;

/** A configuration value that doesn't parse: the message names the variable and what it accepts. */
export class ConfigError extends Error {
  constructor(
    readonly variable: SettingName,
    detail?: string,
  ) {
    super(`${variable} is not valid: it accepts ${SETTINGS[variable].accepts}.${detail ? ` ${detail}` : ""}`);
    this.name = "ConfigError";
  }
}

/** The variable's value as the portal sees it: trimmed, blank = unset. */
function rawValue(name: SettingName): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

const cache = new Map<SettingName, { raw: string | undefined; value: unknown }>();

/** The parsed value of one variable (its default when unset); throws `ConfigError` when it doesn't parse. */
export function setting<N extends SettingName>(name: N): Parsed<N> {
  const raw = rawValue(name);
  const cached = cache.get(name);
  if (cached && cached.raw === raw) return cached.value as Parsed<N>;
  const result = SETTINGS[name].schema.safeParse(raw);
  if (!result.success) {
    const detail = result.error.issues.map((issue) => issue.message).find((message) => message !== "invalid" && message.includes(name));
    throw new ConfigError(name, detail);
  }
  cache.set(name, { raw, value: result.data });
  return result.data as Parsed<N>;
}

/** Every variable that doesn't parse, as a sentence each (empty when the configuration is good). */
export function configProblems(): string[] {
  return (Object.keys(SETTINGS) as SettingName[]).flatMap((name) => {
    try {
      setting(name);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
}
