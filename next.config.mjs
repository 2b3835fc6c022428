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
  // The token upload route is outside proxy.ts (see its matcher): its JSON answers get the
  // security headers here instead.
  async headers() {
    return [
      {
        source: "/api/token-imports",
        headers: [
          { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
