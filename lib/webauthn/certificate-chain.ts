import type { X509Certificate } from "node:crypto";

function subjectOf(cert: X509Certificate): string {
  return cert.subject.replace(/\n/g, ", ");
}

function validityProblem(cert: X509Certificate, now: Date, what: string): string | null {
  if (new Date(cert.validFrom) > now) return `${what} (${subjectOf(cert)}) is not valid until ${new Date(cert.validFrom).toISOString().slice(0, 10)}`;
  if (new Date(cert.validTo) < now) return `${what} (${subjectOf(cert)}) expired on ${new Date(cert.validTo).toISOString().slice(0, 10)}`;
  return null;
}

/**
 * What is wrong with a certificate chain (leaf first), or null when each certificate is issued and
 * signed by the next, all are valid now, and the last is one of the trusted roots or issued and
 * signed by one (valid now too). node:crypto only: unlike @simplewebauthn/server's
 * validateCertificatePath, nothing is downloaded (no CRL), as the portal promises for attestation
 * and the FIDO metadata BLOB alike. `untrusted` words the missing anchor for the caller.
 */
export function certificateChainProblem(options: { chain: X509Certificate[]; roots: X509Certificate[]; now: Date; leafName: string; untrusted: (issuer: string) => string }): string | null {
  const { chain, roots, now } = options;
  if (!chain.length) return `${options.leafName} is missing`;
  for (const [index, cert] of chain.entries()) {
    const problem = validityProblem(cert, now, index === 0 ? options.leafName : "a certificate in its chain");
    if (problem) return problem;
  }
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i].checkIssued(chain[i + 1]) || !chain[i].verify(chain[i + 1].publicKey)) {
      return `its certificate chain is broken: ${subjectOf(chain[i])} was not signed by ${subjectOf(chain[i + 1])}`;
    }
    // A signature alone isn't authority: a leaf certificate (CA:FALSE) that signs another is a forgery's way in.
    if (!chain[i + 1].ca) return `its certificate chain is broken: ${subjectOf(chain[i + 1])} is not a certificate authority, so it can't issue ${subjectOf(chain[i])}`;
  }
  const last = chain[chain.length - 1];
  const anchors = roots.filter((root) => root.fingerprint256 === last.fingerprint256 || (root.ca && last.checkIssued(root) && last.verify(root.publicKey)));
  if (!anchors.length) return options.untrusted(last.issuer.replace(/\n/g, ", "));
  // Any matching root still valid will do (a renewed root may sit beside its expired predecessor).
  const problems = anchors.map((anchor) => validityProblem(anchor, now, "the root certificate"));
  return problems.includes(null) ? null : problems[0];
}
