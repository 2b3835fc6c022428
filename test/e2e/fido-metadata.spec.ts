import { expect, test } from "@playwright/test";
import { systemActor } from "../../lib/audit/write-audit-event";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { makeMetadataBlob, makeMetadataPki } from "../support/fido-metadata-blob";
import { db, signInNewUserWithToken } from "./helpers";
import { addPasskey, virtualAuthenticator } from "./passkey-helpers";
import { signInAs } from "./sign-in-as";

async function clearMetadata() {
  await db().fidoMetadataEntry.deleteMany({});
  await db().fidoMetadataBlob.deleteMany({});
}

// The BLOB and the methods policy are organisation-wide and the e2e database is shared: put them back.
test.afterEach(async () => {
  await clearMetadata();
  await db().authenticationMethodPolicy.deleteMany({ where: { method: "passkey" } });
});

test("a policy administrator uploads the FIDO metadata BLOB: a bad file is refused with why, a good one is summarised and names the person's passkey model", async ({ browser }) => {
  const pki = makeMetadataPki({ attestationAaguid: "00000000-0000-0000-0000-000000000001" });
  await clearMetadata();
  const saved = await saveMethodPolicy({
    db: db(), method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], actor: systemActor,
    settings: { ...METHOD_POLICY_DEFAULTS.passkey.settings, rootCertificates: [pki.root.pem] },
  });
  if (!saved.ok) throw new Error(saved.reason);

  // A person registers a passkey with Chromium's virtual authenticator: no model name yet.
  const person = await (await browser.newContext()).newPage();
  const { user } = await signInNewUserWithToken(person);
  await virtualAuthenticator(person);
  await (await addPasskey(person, "Desk key")).getByRole("button", { name: "Done" }).click();
  const { aaguid } = await db().passkey.findFirstOrThrow({ where: { userId: user.id } });
  await expect(person.getByText("Contoso Virtual Key")).toHaveCount(0);

  const admin = await (await browser.newContext()).newPage();
  await signInAs(admin, "Authentication Policy Administrator");
  await admin.goto("/admin/methods-policy");
  const section = admin.getByRole("region", { name: "Passkey (FIDO2)" });
  await expect(section.getByText("No BLOB uploaded.")).toBeVisible();
  const fileInput = section.getByLabel("FIDO metadata BLOB file (blob.jwt from the FIDO Alliance Metadata Service)");

  await fileInput.setInputFiles({ name: "blob.jwt", mimeType: "application/octet-stream", buffer: Buffer.from("this is not a BLOB") });
  await section.getByRole("button", { name: "Upload BLOB" }).click();
  await expect(section.getByText(/The file was not accepted: it is not a JWT .* Nothing was changed\./)).toBeVisible();

  // Signed by a root nobody uploaded: refused, with the reason.
  const stranger = makeMetadataBlob({ signer: pki.strangerSigner, chain: [pki.strangerSigner], no: 41, entries: [{ aaguid, description: "Contoso Virtual Key" }] });
  await fileInput.setInputFiles({ name: "blob.jwt", mimeType: "application/octet-stream", buffer: Buffer.from(stranger) });
  await section.getByRole("button", { name: "Upload BLOB" }).click();
  await expect(section.getByText(/doesn't end in a root certificate uploaded under Passkey \(FIDO2\)/)).toBeVisible();
  expect(await db().fidoMetadataBlob.count()).toBe(0);

  const nextUpdate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const good = makeMetadataBlob({
    signer: pki.signer, chain: [pki.signer, pki.intermediate], no: 42, nextUpdate,
    entries: [{ aaguid, description: "Contoso Virtual Key" }, { aaguid: "9f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", description: "Another Key" }],
  });
  await fileInput.setInputFiles({ name: "blob.jwt", mimeType: "application/octet-stream", buffer: Buffer.from(good) });
  await section.getByRole("button", { name: "Upload BLOB" }).click();
  await expect(section.getByText(`FIDO metadata BLOB 42 accepted: 2 authenticator models, next update ${nextUpdate}.`)).toBeVisible();
  const summary = section.getByRole("definition");
  await expect(section.getByLabel("Uploaded FIDO metadata BLOB")).toBeVisible();
  await expect(summary.nth(0)).toHaveText("42");
  await expect(summary.nth(1)).toHaveText(nextUpdate);
  await expect(summary.nth(2)).toHaveText("2");

  // The same BLOB again is refused: its serial is the one in use.
  await fileInput.setInputFiles({ name: "blob.jwt", mimeType: "application/octet-stream", buffer: Buffer.from(good) });
  await section.getByRole("button", { name: "Upload BLOB" }).click();
  await expect(section.getByText(/its serial number \(42\) is the one already in use/)).toBeVisible();

  // Security info now names the virtual authenticator's model from the BLOB.
  await person.reload();
  await expect(person.getByText(/Contoso Virtual Key/)).toBeVisible();
});
