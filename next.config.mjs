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
  ],
  poweredByHeader: false,
  // forbidden() answers 403 from the data access layer.
  experimental: { authInterrupts: true },
  reactStrictMode: true,
};

export default nextConfig;
