/**
 * `npm run apps:add -- --name <name> --redirect-uri <uri> [--redirect-uri <uri>…] [--post-logout-uri <uri>]
 * [--home-page <url>] [--public] [--assign <upn>]`: registers an application (for automation) and
 * prints its client id and — for a confidential app — its secret, which is shown this once only.
 * The app is open to every user unless --assign is given (then assignment is required).
 */
import { parseArgs } from "node:util";
import { systemActor } from "../audit/write-audit-event";
import { getDb } from "../db/client";
import { assignToApplication, registerApplication } from "../oidc/applications";
import { oidcIssuer } from "../oidc/issuer";

async function main() {
  const { values } = parseArgs({
    options: {
      name: { type: "string" },
      "redirect-uri": { type: "string", multiple: true },
      "post-logout-uri": { type: "string", multiple: true },
      "home-page": { type: "string" },
      public: { type: "boolean", default: false },
      assign: { type: "string", multiple: true },
    },
  });
  if (!values.name || !values["redirect-uri"]?.length) {
    console.error("Usage: npm run apps:add -- --name <name> --redirect-uri <uri> [--post-logout-uri <uri>] [--home-page <url>] [--public] [--assign <upn>]");
    process.exit(2);
  }
  const db = getDb();
  const assignees = values.assign ?? [];
  const result = await registerApplication({
    db,
    input: {
      name: values.name,
      redirectUris: values["redirect-uri"],
      postLogoutRedirectUris: values["post-logout-uri"] ?? [],
      homePageUrl: values["home-page"] ?? "",
      isPublic: values.public,
      assignmentRequired: assignees.length > 0,
    },
    actor: systemActor,
    now: new Date(),
  });
  if (!result.ok) {
    console.error(result.reason);
    process.exit(1);
  }
  for (const upn of assignees) {
    const assigned = await assignToApplication({ db, applicationId: result.applicationId, principal: { type: "user", upn }, actor: systemActor });
    if (!assigned.ok) console.error(`${upn}: ${assigned.reason}`);
  }
  console.log(`issuer: ${oidcIssuer()}`);
  console.log(`client_id: ${result.clientId}`);
  if (result.secret) console.log(`client_secret: ${result.secret}   (shown once; expires ${result.secretExpiresAt?.toISOString().slice(0, 10)})`);
  else console.log("public client: no secret; use PKCE with S256");
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
