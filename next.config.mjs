import { JSON_API_SECURITY_HEADERS } from "./lib/shared/json-api-headers.mjs";

const jsonApiHeaders = Object.entries(JSON_API_SECURITY_HEADERS).map(([key, value]) => ({ key, value }));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and file-reading server packages stay outside the bundle: better-sqlite3 is a native
  // addon and the generated Prisma clients load their WASM query compiler from disk.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "pg",
    ".prisma/client-sqlite",
    ".prisma/client-postgresql",
    "@node-rs/argon2",
    // One copy of prom-client's registry for the whole server (process metrics read Node internals).
    "prom-client",
  ],
  poweredByHeader: false,
  // forbidden() answers 403 from the data access layer.
  experimental: { authInterrupts: true },
  reactStrictMode: true,
  // The token upload route and the automation API are outside proxy.ts (see its matcher): their
  // JSON answers get the security headers here instead.
  async headers() {
    return [
      { source: "/api/token-imports", headers: jsonApiHeaders },
      { source: "/api/v1/:path*", headers: jsonApiHeaders },
    ];
  },
};

export default nextConfig;
