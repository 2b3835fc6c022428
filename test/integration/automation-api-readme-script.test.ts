import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { applicationWith, startApiServer } from "../support/api-test-server";
import { makeUser, unique } from "../support/factories";

// The README's automation API example, run exactly as written (bash + curl + oathtool) against the
// portal's OpenID Connect provider and API over real HTTP.
const run = promisify(execFile);
let server: Awaited<ReturnType<typeof startApiServer>>;

beforeAll(async () => {
  server = await startApiServer();
});
afterAll(async () => {
  await server.close();
});

function readmeScript(): string {
  const readme = fs.readFileSync(path.join(process.cwd(), "README.md"), "utf8");
  const block = /<!-- automation-api-example -->\n```bash\n([\s\S]*?)\n```\n<!-- \/automation-api-example -->/.exec(readme);
  if (!block) throw new Error("The README's automation API example is missing its markers.");
  return block[1];
}

describe("the README's automation API script", () => {
  it("gets a token with client credentials, adds a token, assigns it and activates it with oathtool's code", async () => {
    const user = await makeUser();
    const app = await applicationWith(["Policy.ReadWrite.AuthenticationMethod", "UserAuthenticationMethod.ReadWrite.All"]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "api-script-")), "add-token.sh");
    fs.writeFileSync(file, readmeScript(), { mode: 0o700 });
    const serial = unique("README");
    const { stdout } = await run("bash", [file], {
      env: { ...process.env, PORTAL: server.origin, CLIENT_ID: app.clientId, CLIENT_SECRET: app.secret, USER_UPN: user.upn, SERIAL: serial },
      timeout: 60_000,
    });
    expect(stdout).toContain(`Token ${serial} (`);
    expect(stdout).toContain(`is assigned to ${user.upn} and activated.`);
    const token = await getDb().hardwareToken.findUniqueOrThrow({ where: { serialNumber: serial } });
    expect(token).toMatchObject({ status: "activated", userId: user.id });
    const actions = (await getDb().auditEvent.findMany({ where: { OR: [{ targetId: token.id }, { action: "Add hardware tokens (API)", actorUpn: { contains: app.clientId } }] }, orderBy: { sequence: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["Add hardware tokens (API)", "Assign hardware token", "Activate hardware token"]);
  });
});
