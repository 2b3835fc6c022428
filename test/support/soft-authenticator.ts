// A small software passkey authenticator for integration tests (a test helper, not product code):
// an ES256 key from node:crypto, authenticator data and a CBOR attestationObject of format "none",
// and assertions signed over authenticatorData || SHA-256(clientDataJSON) — the bytes a browser
// would send, so the server's real WebAuthn checks run on them.
import crypto from "node:crypto";

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 256) return Buffer.from([(major << 5) | 24, length]);
  if (length < 65536) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(length, 1);
  return b;
}

type Cbor = number | string | Buffer | Cbor[] | Map<Cbor, Cbor>;

/** The CBOR subset WebAuthn needs: integers, text, byte strings and maps. */
function cbor(value: Cbor): Buffer {
  if (typeof value === "number") return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === "string") return Buffer.concat([cborHead(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (Buffer.isBuffer(value)) return Buffer.concat([cborHead(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([cborHead(4, value.length), ...value.map(cbor)]);
  const parts = [cborHead(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

const sha256 = (data: Buffer | string) => crypto.createHash("sha256").update(data).digest();
const b64url = (data: Buffer) => data.toString("base64url");

export type SoftPasskey = { credentialId: Buffer; privateKey: crypto.KeyObject; signCount: number; userHandle: string };

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export class SoftAuthenticator {
  constructor(private readonly rp: { rpID: string; origin: string }, private readonly aaguid = Buffer.alloc(16)) {}

  private clientData(type: "webauthn.create" | "webauthn.get", challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.rp.origin, crossOrigin: false }));
  }

  /**
   * A create() answer for these options: a new ES256 credential, UV set; attestation "none", or
   * "packed" full attestation signed by `attestation` (its certificate chain, leaf first, in x5c).
   */
  register(options: { challenge: string; user: { id: string }; attestation?: { privateKey: crypto.KeyObject; x5c: Buffer[] } }): { response: object; passkey: SoftPasskey } {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const cose = cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, "base64url")], [-3, Buffer.from(jwk.y!, "base64url")]]));
    const credentialId = crypto.randomBytes(32);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([sha256(this.rp.rpID), Buffer.from([FLAG_UP | FLAG_UV | FLAG_AT]), Buffer.alloc(4), this.aaguid, idLength, credentialId, cose]);
    const clientDataJSON = this.clientData("webauthn.create", options.challenge);
    const attestation = options.attestation;
    const attStmt = attestation
      ? new Map<Cbor, Cbor>([["alg", -7], ["sig", crypto.sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), attestation.privateKey)], ["x5c", attestation.x5c]])
      : new Map<Cbor, Cbor>();
    const attestationObject = cbor(new Map<Cbor, Cbor>([["fmt", attestation ? "packed" : "none"], ["attStmt", attStmt], ["authData", authData]]));
    return {
      passkey: { credentialId, privateKey, signCount: 0, userHandle: options.user.id },
      response: {
        id: b64url(credentialId),
        rawId: b64url(credentialId),
        type: "public-key",
        response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ["internal"] },
        clientExtensionResults: {},
        authenticatorAttachment: "platform",
      },
    };
  }

  /** A get() answer signing this challenge; the counter moves on by one unless `signCount` says otherwise (a clone). */
  authenticate(passkey: SoftPasskey, challenge: string, options: { signCount?: number } = {}): object {
    passkey.signCount = options.signCount ?? passkey.signCount + 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(passkey.signCount);
    const authData = Buffer.concat([sha256(this.rp.rpID), Buffer.from([FLAG_UP | FLAG_UV]), counter]);
    const clientDataJSON = this.clientData("webauthn.get", challenge);
    const signature = crypto.sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), passkey.privateKey);
    return {
      id: b64url(passkey.credentialId),
      rawId: b64url(passkey.credentialId),
      type: "public-key",
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: passkey.userHandle },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }
}
