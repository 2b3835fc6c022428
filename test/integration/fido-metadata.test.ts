// The FIDO metadata (MDS3) BLOB on a real database (SQLite and PostgreSQL, same file): BLOBs
// signed by a test root → intermediate → signer chain (openssl), checked against the root
// certificates uploaded in the passkey policy; then used at registration with real WebAuthn bytes
// from the software authenticator — model names, compromised models refused, attestation roots.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import type { PasskeySettings } from "../../lib/policies/passkey-policy-model";
import { finishPasskeyRegistration, startPasskeyRegistration } from "../../lib/methods/passkey-registration";
import { getFidoMetadataSummary, uploadFidoMetadataBlob } from "../../lib/webauthn/fido-metadata";
import { listPasskeys } from "../../lib/webauthn/passkeys";
import { relyingParty } from "../../lib/webauthn/relying-party";
import { makeSecurityInfoActor, makeUser } from "../support/factories";
import { makeMetadataBlob, makeMetadataPki, type MetadataPki, type TestMetadataEntry } from "../support/fido-metadata-blob";
import { SoftAuthenticator } from "../support/soft-authenticator";

const db = getDb();
const admin = { id: null, upn: "policy-admin@contoso.example" };
// Made-up AAGUIDs: models only the test BLOB knows.
const TEST_KEY = "4d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6";
const REVOKED_KEY = "5e1f2a3b-4c5d-4e6f-8071-8293a4b5c6d7";
const BYPASS_KEY = "6f2a3b4c-5d6e-4f70-8182-93a4b5c6d7e8";
const FIXED_KEY = "702b3c4d-6e7f-4081-9293-a4b5c6d7e8f9";
const ATTESTED_KEY = "813c4d5e-7f80-4192-a3a4-b5c6d7e8f90a";

let pki: MetadataPki;
let entries: TestMetadataEntry[];
let nextSerial = 1000;

function blob(options: { no?: number; signer?: "ours" | "stranger"; nextUpdate?: string } = {}) {
  const stranger = options.signer === "stranger";
  return makeMetadataBlob({
    signer: stranger ? pki.strangerSigner : pki.signer,
    chain: stranger ? [pki.strangerSigner] : [pki.signer, pki.intermediate],
    no: options.no ?? ++nextSerial,
    nextUpdate: options.nextUpdate,
    entries,
  });
}

async function upload(jwt: string) {
  return uploadFidoMetadataBlob({ db, blob: Buffer.from(jwt), actor: admin });
}

async function passkeyPolicy(settings: Partial<PasskeySettings>) {
  const saved = await saveMethodPolicy({
    db, method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], actor: { id: null, upn: "system" },
    settings: { ...METHOD_POLICY_DEFAULTS.passkey.settings, rootCertificates: [pki.root.pem], ...settings },
  });
  if (!saved.ok) throw new Error(saved.reason);
}

/** Registers a passkey of this model for a new user through the real registration functions. */
async function register(aaguid: string, attested = false) {
  const user = await makeUser();
  const actor = await makeSecurityInfoActor(user);
  const started = await startPasskeyRegistration({ db, actor });
  if (!started.ok) throw new Error(started.reason);
  const authenticator = new SoftAuthenticator(relyingParty(), Buffer.from(aaguid.replace(/-/g, ""), "hex"));
  const attestation = attested ? { privateKey: pki.attestation.privateKey, x5c: [pki.attestation.der] } : undefined;
  const { response } = authenticator.register({ challenge: started.options.challenge, user: started.options.user, attestation });
  const result = await finishPasskeyRegistration({ db, actor, name: "My key", response: response as never });
  return { user, result };
}

async function lastUploadAudit() {
  return db.auditEvent.findFirst({ where: { action: "Upload FIDO metadata BLOB" }, orderBy: { sequence: "desc" } });
}

beforeAll(async () => {
  pki = makeMetadataPki({ attestationAaguid: ATTESTED_KEY });
  entries = [
    { aaguid: TEST_KEY, description: "Contoso Test Key 3000" },
    { aaguid: REVOKED_KEY, description: "Leaky Key", statusReports: [{ status: "FIDO_CERTIFIED_L1", effectiveDate: "2023-01-01" }, { status: "REVOKED", effectiveDate: "2024-06-01" }] },
    { aaguid: BYPASS_KEY, description: "Bypassable Key", statusReports: [{ status: "USER_VERIFICATION_BYPASS", effectiveDate: "2024-05-01" }, { status: "FIDO_CERTIFIED_L1", effectiveDate: "2022-01-01" }] },
    // Its compromise was fixed by a later certified version: the latest report counts.
    { aaguid: FIXED_KEY, description: "Fixed Key", statusReports: [{ status: "USER_KEY_REMOTE_COMPROMISE", effectiveDate: "2023-01-01" }, { status: "FIDO_CERTIFIED_L2", effectiveDate: "2024-01-01" }] },
    { aaguid: ATTESTED_KEY, description: "Vendor Attested Key", attestationRootCertificates: [pki.vendorRoot.der] },
  ];
  await db.fidoMetadataEntry.deleteMany({});
  await db.fidoMetadataBlob.deleteMany({});
  await passkeyPolicy({});
});

afterAll(async () => {
  await db.fidoMetadataEntry.deleteMany({});
  await db.fidoMetadataBlob.deleteMany({});
  await db.authenticationMethodPolicy.deleteMany({ where: { method: "passkey" } });
});

describe("uploading the FIDO metadata BLOB", () => {
  it("accepts a BLOB whose chain ends in an uploaded root, stores its summary and entries, and audits it", async () => {
    const result = await upload(blob({ no: 10 }));
    expect(result).toMatchObject({ ok: true, summary: { serial: 10, entryCount: entries.length, signer: expect.stringContaining("Test MDS BLOB Signer") } });
    expect(await getFidoMetadataSummary({ db })).toMatchObject({ serial: 10, entryCount: 5, uploadedBy: admin.upn });
    expect(await db.fidoMetadataEntry.findUnique({ where: { aaguid: REVOKED_KEY } })).toMatchObject({ description: "Leaky Key", latestStatus: "REVOKED", latestStatusDate: "2024-06-01" });
    expect(await lastUploadAudit()).toMatchObject({ result: "success", actorUpn: admin.upn });
    nextSerial = 10;
  });

  it("refuses a tampered BLOB (payload changed after signing) and changes nothing", async () => {
    const [header, , signature] = blob().split(".");
    const forged = Buffer.from(JSON.stringify({ legalHeader: "", no: 99, nextUpdate: "2099-01-01", entries: [] })).toString("base64url");
    const result = await upload(`${header}.${forged}.${signature}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/signature doesn't verify .*Nothing was changed/);
    expect(await getFidoMetadataSummary({ db })).toMatchObject({ serial: 10, entryCount: 5 });
    expect(await db.fidoMetadataEntry.count()).toBe(5);
    expect(await lastUploadAudit()).toMatchObject({ result: "failure" });
  });

  it("refuses a BLOB signed by a chain that ends in a root nobody uploaded", async () => {
    const result = await upload(blob({ signer: "stranger" }));
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("doesn't end in a root certificate uploaded") });
    expect((await getFidoMetadataSummary({ db }))?.serial).toBe(10);
  });

  it("refuses an older or the same serial number (no), keeping the stored BLOB", async () => {
    expect(await upload(blob({ no: 9 }))).toMatchObject({ ok: false, reason: expect.stringContaining("(9) is older than the stored BLOB's (10)") });
    expect(await upload(blob({ no: 10 }))).toMatchObject({ ok: false, reason: expect.stringContaining("(10) is the one already in use") });
    expect((await getFidoMetadataSummary({ db }))?.serial).toBe(10);
  });

  it("refuses what is not a BLOB, an unsigned one, an out-of-date one and a too-large file, with what is wrong", async () => {
    expect(await upload("hello, world")).toMatchObject({ ok: false, reason: expect.stringContaining("is not a JWT") });
    const [, payload] = blob().split(".");
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", x5c: [pki.signer.der.toString("base64")] })).toString("base64url")}.${payload}.AA`;
    expect(await upload(unsigned)).toMatchObject({ ok: false, reason: expect.stringContaining("no signature algorithm the portal checks") });
    expect(await upload(blob({ nextUpdate: "2020-01-01" }))).toMatchObject({ ok: false, reason: expect.stringContaining("out of date") });
    expect(await uploadFidoMetadataBlob({ db, blob: new Uint8Array(9 * 1024 * 1024), actor: admin })).toMatchObject({ ok: false, reason: expect.stringContaining("larger than 8 MB") });
    expect((await getFidoMetadataSummary({ db }))?.serial).toBe(10);
  });

  it("refuses a BLOB when no root certificate is uploaded", async () => {
    await passkeyPolicy({ rootCertificates: [] });
    try {
      expect(await upload(blob())).toMatchObject({ ok: false, reason: expect.stringContaining("no root certificate is uploaded") });
    } finally {
      await passkeyPolicy({});
    }
  });

  it("accepts an RS256 BLOB on an all-RSA chain, as the FIDO Alliance signs its own, and refuses one altered after signing", async () => {
    await passkeyPolicy({ rootCertificates: [pki.root.pem, pki.rsaRoot.pem] });
    try {
      const rsaBlob = (no: number) => makeMetadataBlob({ signer: pki.rsaSigner, chain: [pki.rsaSigner], no, entries });
      const [header, payload, signature] = rsaBlob(++nextSerial).split(".");
      expect(JSON.parse(Buffer.from(header, "base64url").toString())).toMatchObject({ alg: "RS256" });
      const altered = Buffer.from(Buffer.from(payload, "base64url").toString().replace("Contoso Test Key 3000", "Contoso Test Key 3001")).toString("base64url");
      expect(await upload(`${header}.${altered}.${signature}`)).toMatchObject({ ok: false, reason: expect.stringMatching(/signature doesn't verify/) });
      expect((await getFidoMetadataSummary({ db }))?.serial).toBe(10);
      expect(await upload(`${header}.${payload}.${signature}`)).toMatchObject({ ok: true, summary: { serial: nextSerial, signer: expect.stringContaining("Test MDS BLOB Signer RSA") } });
      expect(await db.fidoMetadataEntry.findUnique({ where: { aaguid: TEST_KEY } })).toMatchObject({ description: "Contoso Test Key 3000" });
    } finally {
      await passkeyPolicy({});
    }
  });
});

describe("registration with the stored BLOB", () => {
  it("names the model from the BLOB in the person's passkey list", async () => {
    const { user, result } = await register(TEST_KEY);
    expect(result).toMatchObject({ ok: true, model: "Contoso Test Key 3000" });
    expect((await listPasskeys({ db, userId: user.id }))[0]).toMatchObject({ name: "My key", model: "Contoso Test Key 3000" });
  });

  it("refuses a model whose latest status report is REVOKED or USER_VERIFICATION_BYPASS, saying why, and audits it", async () => {
    const revoked = await register(REVOKED_KEY);
    expect(revoked.result).toMatchObject({ ok: false, reason: expect.stringMatching(/Leaky Key.*reports REVOKED.*revoked this authenticator model/) });
    expect(await db.passkey.count({ where: { userId: revoked.user.id } })).toBe(0);
    const audit = await db.auditEvent.findFirst({ where: { action: "Register passkey", actorId: revoked.user.id }, orderBy: { sequence: "desc" } });
    expect(audit).toMatchObject({ result: "failure" });
    expect(audit?.details).toContain("FIDO metadata status REVOKED since 2024-06-01");

    const bypass = await register(BYPASS_KEY);
    expect(bypass.result).toMatchObject({ ok: false, reason: expect.stringContaining("USER_VERIFICATION_BYPASS") });
  });

  it("lets a model register whose compromise was followed by a later certification", async () => {
    expect((await register(FIXED_KEY)).result).toMatchObject({ ok: true, model: "Fixed Key" });
  });

  it("with attestation enforced, accepts a key whose attestation chains to a root the BLOB lists for its model, and refuses it without the BLOB", async () => {
    await passkeyPolicy({ enforceAttestation: true });
    try {
      expect((await register(ATTESTED_KEY, true)).result).toMatchObject({ ok: true, model: "Vendor Attested Key" });
      // "none" attestation is still refused, BLOB or not.
      expect((await register(TEST_KEY)).result).toMatchObject({ ok: false, reason: expect.stringContaining("format \"none\"") });
      await db.fidoMetadataEntry.deleteMany({});
      expect((await register(ATTESTED_KEY, true)).result).toMatchObject({ ok: false, reason: expect.stringContaining("doesn't chain to a root certificate your organisation uploaded") });
      // A newer BLOB puts the entries back.
      expect(await upload(blob())).toMatchObject({ ok: true });
      expect((await register(ATTESTED_KEY, true)).result).toMatchObject({ ok: true });
    } finally {
      await passkeyPolicy({});
    }
  });
});
