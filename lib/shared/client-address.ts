// The caller's address from a request's headers, for any server code (route handlers through
// lib/server/request-context.ts, the OpenID Connect provider's plain Node requests).
import { BlockList, isIP } from "node:net";
import { setting } from "./config";

/** Set by lib/server/serve-portal.mjs on every request: its random per-process stamp and the socket's address. */
const PEER_HEADER = "x-portal-peer";

/** "::ffff:203.0.113.7" (an IPv4 client on a dual-stack socket) is 203.0.113.7. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/**
 * TRUSTED_PROXIES: the reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For
 * counts. Unset: none — the portal is reached directly and only the socket's
 * address counts. A malformed entry is an error naming it (every request that needs the address
 * fails, in the log) rather than a guess that might trust too much.
 */
export function trustedProxies(value: string = setting("TRUSTED_PROXIES") ?? ""): BlockList {
  if (parsedProxies?.value === value) return parsedProxies.list;
  const list = new BlockList();
  for (const entry of value.split(",").map((part) => part.trim()).filter(Boolean)) {
    const [address, bits, extra] = entry.split("/");
    const family = isIP(plainAddress(address));
    const prefix = bits === undefined ? null : Number(bits);
    if (!family || extra !== undefined || (prefix !== null && (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)))) {
      throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8).`);
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === null) list.addAddress(plainAddress(address), type);
    else list.addSubnet(plainAddress(address), prefix, type);
  }
  parsedProxies = { value, list };
  return list;
}

let parsedProxies: { value: string; list: BlockList } | null = null;

function isTrusted(list: BlockList, address: string): boolean {
  const plain = plainAddress(address);
  const family = isIP(plain);
  return family !== 0 && list.check(plain, family === 4 ? "ipv4" : "ipv6");
}

/** The socket address our server stamped on the request, or null when the stamp is missing or forged. */
function socketAddress(list: Headers): string | null {
  const stamp = process.env.PORTAL_PEER_STAMP;
  const [given, address] = (list.get(PEER_HEADER) ?? "").split(" ");
  return stamp && given === stamp && address !== undefined ? plainAddress(address) : null;
}

/**
 * The caller's IP from a request's headers (for sign-in records, audit and per-IP limits). The
 * socket's own address, unless it is one of TRUSTED_PROXIES: then X-Forwarded-For is read from
 * the right, skipping our own proxies, and the first hop they didn't add is the client (what a
 * client writes further left is never reached). Empty when the portal isn't served by
 * lib/server/serve-portal.mjs, which alone knows the socket (W7).
 */
export function clientIpAddress(list: Headers, proxies: BlockList = trustedProxies()): string {
  const peer = socketAddress(list);
  if (peer === null) return "";
  if (!isTrusted(proxies, peer)) return peer;
  const hops = list.get("x-forwarded-for")?.split(",").map((part) => plainAddress(part.trim())).filter(Boolean) ?? [];
  let client = peer;
  for (const hop of hops.reverse()) {
    client = hop;
    if (!isTrusted(proxies, hop)) break;
  }
  return client;
}
