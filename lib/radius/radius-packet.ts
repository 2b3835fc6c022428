import crypto from "node:crypto";
import radius from "radius";

/** RFC 2865 §3: a packet is 20 to 4096 octets; the Length field counts the header. */
export const MIN_PACKET_LENGTH = 20;
export const MAX_PACKET_LENGTH = 4096;

const ACCESS_REQUEST = 1;
const ATTRIBUTE = { userName: 1, userPassword: 2, chapPassword: 3, vendorSpecific: 26, state: 24, messageAuthenticator: 80 } as const;
const MICROSOFT_VENDOR_ID = 311;
/** MS-CHAP-Response, MS-CHAP-Challenge, MS-CHAP2-Response (RFC 2548). */
const MS_CHAP_VENDOR_TYPES = new Set([1, 11, 25]);
/** RFC 2865 §5.44 table: at most one of each of these in an Access-Request. */
const AT_MOST_ONCE = new Set<number>([ATTRIBUTE.userName, ATTRIBUTE.userPassword, ATTRIBUTE.chapPassword, ATTRIBUTE.state, ATTRIBUTE.messageAuthenticator]);

/** Why a datagram is dropped without an answer (counted, never logged as a sign-in). */
export type DropReason = "unknownAddress" | "malformed" | "notAccessRequest" | "wrongSecret" | "missingMessageAuthenticator" | "flood";

/** What the layout check learns from the raw bytes, before the shared secret is used. */
export type RequestLayout = {
  identifier: number;
  authenticator: Buffer;
  /** the packet cut to its Length field (octets past it are padding, RFC 2865 §3) */
  packet: Buffer;
  /** offset of the Message-Authenticator's 16-octet value, or null when absent */
  messageAuthenticatorOffset: number | null;
  authentication: "pap" | "chap" | "msChap" | "none";
  hasState: boolean;
};

/**
 * Checks an Access-Request's framing from the raw bytes — lengths, attribute boundaries,
 * attributes that may appear only once — so the packet library only ever sees a well-formed
 * packet. Returns the reason to drop it otherwise.
 */
export function readRequestLayout(datagram: Buffer): RequestLayout | { drop: DropReason } {
  if (datagram.length < MIN_PACKET_LENGTH || datagram.length > MAX_PACKET_LENGTH) return { drop: "malformed" };
  const length = datagram.readUInt16BE(2);
  if (length < MIN_PACKET_LENGTH || length > datagram.length) return { drop: "malformed" };
  if (datagram[0] !== ACCESS_REQUEST) return { drop: "notAccessRequest" };
  const packet = Buffer.from(datagram.subarray(0, length));
  const seen = new Set<number>();
  let messageAuthenticatorOffset: number | null = null;
  let msChap = false;
  for (let offset = MIN_PACKET_LENGTH; offset < length; ) {
    if (offset + 2 > length) return { drop: "malformed" };
    const type = packet[offset];
    const attributeLength = packet[offset + 1];
    if (attributeLength < 2 || offset + attributeLength > length) return { drop: "malformed" };
    if (AT_MOST_ONCE.has(type) && seen.has(type)) return { drop: "malformed" };
    seen.add(type);
    const valueLength = attributeLength - 2;
    if (type === ATTRIBUTE.messageAuthenticator) {
      if (valueLength !== 16) return { drop: "malformed" };
      messageAuthenticatorOffset = offset + 2;
    }
    if (type === ATTRIBUTE.userPassword && (valueLength < 16 || valueLength > 128 || valueLength % 16 !== 0)) return { drop: "malformed" };
    if (type === ATTRIBUTE.vendorSpecific) {
      if (valueLength < 4) return { drop: "malformed" };
      const vendorId = packet.readUInt32BE(offset + 2);
      // The packet library reads every VSA's first octet as zero; a vendor id above 2^24 is malformed.
      if (vendorId > 0xffffff) return { drop: "malformed" };
      if (vendorId === MICROSOFT_VENDOR_ID && valueLength >= 5 && MS_CHAP_VENDOR_TYPES.has(packet[offset + 6])) msChap = true;
    }
    offset += attributeLength;
  }
  const authentication = seen.has(ATTRIBUTE.chapPassword) ? "chap" : msChap ? "msChap" : seen.has(ATTRIBUTE.userPassword) ? "pap" : "none";
  if (seen.has(ATTRIBUTE.chapPassword) && seen.has(ATTRIBUTE.userPassword)) return { drop: "malformed" };
  return {
    identifier: packet[1],
    authenticator: Buffer.from(packet.subarray(4, 20)),
    packet,
    messageAuthenticatorOffset,
    authentication,
    hasState: seen.has(ATTRIBUTE.state),
  };
}

/**
 * RFC 3579 §3.2: HMAC-MD5 over the whole request with the Message-Authenticator's value zeroed,
 * keyed with the shared secret, compared in constant time. (The packet library compares it as a
 * UTF-8 string, where different octets can read alike, so it is checked here first.)
 */
export function hasValidMessageAuthenticator(layout: RequestLayout, secret: string): boolean {
  if (layout.messageAuthenticatorOffset === null) return false;
  const offset = layout.messageAuthenticatorOffset;
  const received = layout.packet.subarray(offset, offset + 16);
  const zeroed = Buffer.from(layout.packet);
  zeroed.fill(0, offset, offset + 16);
  const expected = crypto.createHmac("md5", secret).update(zeroed).digest();
  return crypto.timingSafeEqual(received, expected);
}

/** The attributes of a checked Access-Request that the portal reads. */
export type AccessRequest = {
  identifier: number;
  authenticator: Buffer;
  userName: string | null;
  /** PAP User-Password, decrypted with the shared secret (RFC 2865 §5.2) */
  password: string | null;
  state: Buffer | null;
  nasIdentifier: string | null;
  nasIpAddress: string | null;
  callingStationId: string | null;
  /** the library's decoded packet, kept to copy Proxy-State into the answer */
  decoded: radius.RadiusPacket;
};

/** Decodes a well-formed Access-Request with the client's secret; null when the library refuses it. */
export function decodeAccessRequest(layout: RequestLayout, secret: string): AccessRequest | null {
  let decoded: radius.RadiusPacket;
  try {
    decoded = radius.decode({ packet: layout.packet, secret });
  } catch {
    return null;
  }
  const text = (name: string): string | null => {
    const value = decoded.attributes[name];
    return typeof value === "string" ? value : null;
  };
  const state = decoded.attributes.State;
  return {
    identifier: layout.identifier,
    authenticator: layout.authenticator,
    userName: text("User-Name"),
    // Trailing NULs are the padding of the RFC 2865 §5.2 encryption.
    password: typeof decoded.attributes["User-Password"] === "string" ? decoded.attributes["User-Password"].replace(/\0+$/, "") : null,
    state: Buffer.isBuffer(state) ? state : null,
    nasIdentifier: text("NAS-Identifier"),
    nasIpAddress: text("NAS-IP-Address"),
    callingStationId: text("Calling-Station-Id"),
    decoded,
  };
}

export type ResponseCode = "Access-Accept" | "Access-Reject" | "Access-Challenge";
export type ResponseAttribute = ["Reply-Message" | "Filter-Id", string] | ["State" | "Class", Buffer];

/**
 * Encodes the answer to a request: Response Authenticator from the request's authenticator and
 * the secret, Proxy-State copied back, and always a Message-Authenticator (RFC 9765 advice: a
 * client can then refuse forged answers).
 */
export function encodeResponse(options: { request: AccessRequest; code: ResponseCode; attributes: ResponseAttribute[]; secret: string }): Buffer {
  const { request } = options;
  const proxyStates = request.decoded.raw_attributes.filter(([type]) => type === 33);
  const attributes: [string | number, string | Buffer][] = [];
  for (const [name, value] of options.attributes) {
    // Text attributes hold at most 253 octets; longer ones are split (Reply-Message) or cut.
    if (typeof value === "string") {
      for (const chunk of splitUtf8(value, 253)) attributes.push([name, chunk]);
    } else attributes.push([name, value]);
  }
  return radius.encode({
    code: options.code,
    identifier: request.identifier,
    authenticator: request.authenticator,
    attributes: [...attributes, ...proxyStates],
    secret: options.secret,
    add_message_authenticator: true,
  });
}

function splitUtf8(text: string, maxOctets: number): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const character of text) {
    if (Buffer.byteLength(current + character) > maxOctets) {
      chunks.push(current);
      current = "";
    }
    current += character;
  }
  if (current || chunks.length === 0) chunks.push(current);
  return chunks;
}
