// Starts the portal exactly as `npm start` does, on an emptied data folder (fresh database and keys).
// Everything the server prints also goes to server.log in that folder, which the last spec
// (server-log.spec.ts) scans for the passwords, codes and seeds the run used.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dataDir = process.env.PORTAL_DATA_DIR;
if (!dataDir || !dataDir.includes("e2e-data")) throw new Error("PORTAL_DATA_DIR must point at the e2e data folder");
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });

const log = fs.createWriteStream(path.join(dataDir, "server.log"));
const portal = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "../../lib/cli/start.ts")], { stdio: ["inherit", "pipe", "pipe"], env: process.env });
portal.stdout.on("data", (chunk: Buffer) => { process.stdout.write(chunk); log.write(chunk); });
portal.stderr.on("data", (chunk: Buffer) => { process.stderr.write(chunk); log.write(chunk); });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => portal.kill(signal));
portal.on("exit", (code) => log.end(() => process.exit(code ?? 0)));
