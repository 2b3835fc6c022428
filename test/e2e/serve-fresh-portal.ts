// Starts the portal exactly as `npm start` does, on an emptied data folder (fresh database and keys).
import fs from "node:fs";

const dataDir = process.env.PORTAL_DATA_DIR;
if (!dataDir || !dataDir.includes("e2e-data")) throw new Error("PORTAL_DATA_DIR must point at the e2e data folder");
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });
require("../../lib/cli/start");
