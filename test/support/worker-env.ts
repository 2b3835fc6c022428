import { inject } from "vitest";

// Points every test file at the database and key folder prepared by global-setup.ts.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.PORTAL_DATA_DIR = inject("dataDir");
