import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateChainProblem } from "../../../lib/webauthn/certificate-chain";
import { makeMetadataPki, type MetadataPki, type TestCertificate } from "../../support/fido-metadata-blob";

// The chain check behind enforced attestation and the FIDO metadata BLOB, on certificates openssl made.
let pki: MetadataPki;
beforeAll(() => {
  pki = makeMetadataPki({ attestationAaguid: "00000000-0000-0000-0000-000000000002" });
});

const x509 = (cert: TestCertificate) => new X509Certificate(cert.pem);
function problem(chain: TestCertificate[], roots: TestCertificate[], now = new Date()) {
  return certificateChainProblem({ chain: chain.map(x509), roots: roots.map(x509), now, leafName: "the signing certificate", untrusted: (issuer) => `no uploaded root issued ${issuer}` });
}

describe("certificateChainProblem", () => {
  it("accepts a chain leaf → intermediate that an uploaded root issued, and a chain ending in the root itself", () => {
    expect(problem([pki.signer, pki.intermediate], [pki.root])).toBeNull();
    expect(problem([pki.signer, pki.intermediate, pki.root], [pki.root])).toBeNull();
  });

  it("refuses a chain to a root nobody uploaded, naming the issuer", () => {
    expect(problem([pki.strangerSigner], [pki.root])).toMatch(/no uploaded root issued .*Unknown Root/);
  });

  it("refuses a certificate issued by a leaf (CA:FALSE), though its signature verifies", () => {
    expect(problem([pki.issuedByLeaf, pki.signer, pki.intermediate], [pki.root])).toMatch(/Test MDS BLOB Signer is not a certificate authority/);
  });

  it("refuses a chain whose order is broken, and a certificate outside its validity", () => {
    expect(problem([pki.signer, pki.root], [pki.root])).toMatch(/was not signed by/);
    expect(problem([pki.signer, pki.intermediate], [pki.root], new Date(Date.now() + 400 * 86_400_000))).toMatch(/expired on/);
  });
});
