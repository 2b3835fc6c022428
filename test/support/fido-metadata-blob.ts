// Test FIDO metadata (MDS3) BLOBs (a test helper, not product code): a root CA → intermediate →
// signing certificate chain made with the openssl command line, and BLOB JWTs signed with
// node:crypto — ES256 on P-256 chains, RS256 on RSA chains as the FIDO Alliance signs blob.jwt
// (its root is RSA) — so the portal's real checks run on them.
// Also a vendor attestation CA and its attestation certificate for "packed" registrations.
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type TestCertificate = { pem: string; der: Buffer; keyPem: string; privateKey: crypto.KeyObject };

function openssl(dir: string, args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** An EC P-256 (or RSA 2048) certificate: self-signed when no issuer is given; `ca` adds CA basic constraints. */
function makeCertificate(dir: string, name: string, subject: string, options: { issuer?: { name: string }; ca: boolean; extensions?: string; days?: number; rsa?: boolean }): TestCertificate {
  if (options.rsa) openssl(dir, ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", `${name}.key`]);
  else openssl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`]);
  const ext = options.ca ? "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n" : `basicConstraints=critical,CA:FALSE\n${options.extensions ?? ""}`;
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  const days = String(options.days ?? 365);
  if (!options.issuer) {
    openssl(dir, ["req", "-x509", "-new", "-key", `${name}.key`, "-subj", subject, "-days", days, "-sha256", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", `${name}.pem`]);
  } else {
    openssl(dir, ["req", "-new", "-key", `${name}.key`, "-subj", subject, "-out", `${name}.csr`]);
    openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${options.issuer.name}.pem`, "-CAkey", `${options.issuer.name}.key`, "-CAcreateserial", "-days", days, "-sha256", "-extfile", `${name}.ext`, "-out", `${name}.pem`]);
  }
  const pem = fs.readFileSync(path.join(dir, `${name}.pem`), "utf8");
  const keyPem = fs.readFileSync(path.join(dir, `${name}.key`), "utf8");
  return { pem, der: Buffer.from(new crypto.X509Certificate(pem).raw), keyPem, privateKey: crypto.createPrivateKey(keyPem) };
}

export type MetadataPki = {
  root: TestCertificate;
  intermediate: TestCertificate;
  signer: TestCertificate;
  /** A root nobody uploaded, with its own signing certificate */
  strangerRoot: TestCertificate;
  strangerSigner: TestCertificate;
  /** Issued by `signer`, which is no certificate authority: a chain through it must be refused */
  issuedByLeaf: TestCertificate;
  /** A key vendor's attestation root and one attestation certificate for `aaguid` */
  vendorRoot: TestCertificate;
  attestation: TestCertificate;
  /** An all-RSA root → signer chain, like the FIDO Alliance's own (its BLOBs are RS256) */
  rsaRoot: TestCertificate;
  rsaSigner: TestCertificate;
};

/** Makes every certificate the tests need in a temporary folder (removed again). */
export function makeMetadataPki(options: { attestationAaguid: string }): MetadataPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mds-pki-"));
  try {
    const root = makeCertificate(dir, "root", "/C=US/O=Test FIDO Alliance/CN=Test MDS Root", { ca: true });
    const intermediate = makeCertificate(dir, "intermediate", "/C=US/O=Test FIDO Alliance/CN=Test MDS CA-1", { ca: true, issuer: { name: "root" } });
    const signer = makeCertificate(dir, "signer", "/C=US/O=Test FIDO Alliance/CN=Test MDS BLOB Signer", { ca: false, issuer: { name: "intermediate" } });
    const strangerRoot = makeCertificate(dir, "stranger-root", "/C=US/O=Someone Else/CN=Unknown Root", { ca: true });
    const strangerSigner = makeCertificate(dir, "stranger-signer", "/C=US/O=Someone Else/CN=Unknown BLOB Signer", { ca: false, issuer: { name: "stranger-root" } });
    const issuedByLeaf = makeCertificate(dir, "issued-by-leaf", "/C=US/O=Test FIDO Alliance/CN=Signed By A Leaf", { ca: false, issuer: { name: "signer" } });
    const vendorRoot = makeCertificate(dir, "vendor-root", "/C=SE/O=Test Key Vendor/CN=Test Key Vendor Attestation Root", { ca: true });
    // Packed attestation certificates (WebAuthn §8.2.1): OU "Authenticator Attestation", CA:false, the AAGUID extension.
    const aaguidExtension = `1.3.6.1.4.1.45724.1.1.4=DER:0410${options.attestationAaguid.replace(/-/g, "")}\n`;
    const attestation = makeCertificate(dir, "attestation", "/C=SE/O=Test Key Vendor/OU=Authenticator Attestation/CN=Test Key Batch 1", { ca: false, issuer: { name: "vendor-root" }, extensions: aaguidExtension });
    const rsaRoot = makeCertificate(dir, "rsa-root", "/C=US/O=Test FIDO Alliance/CN=Test MDS Root RSA", { ca: true, rsa: true });
    const rsaSigner = makeCertificate(dir, "rsa-signer", "/C=US/O=Test FIDO Alliance/CN=Test MDS BLOB Signer RSA", { ca: false, issuer: { name: "rsa-root" }, rsa: true });
    return { root, intermediate, signer, strangerRoot, strangerSigner, issuedByLeaf, vendorRoot, attestation, rsaRoot, rsaSigner };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export type TestMetadataEntry = { aaguid: string; description: string; attestationRootCertificates?: Buffer[]; statusReports?: { status: string; effectiveDate: string }[] };

/** A BLOB JWT: header { alg: ES256 or RS256 by the signer's key, typ: JWT, x5c: chain }, payload as MDS3 defines it, signed by `signer`. */
export function makeMetadataBlob(options: { signer: TestCertificate; chain: TestCertificate[]; no: number; nextUpdate?: string; entries: TestMetadataEntry[] }): string {
  const rsa = options.signer.privateKey.asymmetricKeyType === "rsa";
  const header = { alg: rsa ? "RS256" : "ES256", typ: "JWT", x5c: options.chain.map((cert) => cert.der.toString("base64")) };
  const nextUpdate = options.nextUpdate ?? new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const payload = {
    legalHeader: "Test BLOB: not the FIDO Alliance's.",
    no: options.no,
    nextUpdate,
    entries: options.entries.map((entry) => ({
      aaguid: entry.aaguid,
      metadataStatement: {
        aaguid: entry.aaguid,
        description: entry.description,
        attestationTypes: ["basic_full"],
        attestationRootCertificates: (entry.attestationRootCertificates ?? []).map((der) => der.toString("base64")),
      },
      statusReports: entry.statusReports ?? [{ status: "FIDO_CERTIFIED_L1", effectiveDate: "2024-01-01" }],
      timeOfLastStatusChange: "2024-01-01",
    })),
  };
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${part(header)}.${part(payload)}`;
  const signature = crypto.sign("sha256", Buffer.from(signingInput), rsa ? options.signer.privateKey : { key: options.signer.privateKey, dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${signature.toString("base64url")}`;
}
