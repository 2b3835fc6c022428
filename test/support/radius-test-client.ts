import dgram from "node:dgram";
import radius from "radius";

/** Builds an Access-Request with the packet library (Message-Authenticator included unless told not to). */
export function accessRequest(options: { secret: string; attributes: [string | number, string | Buffer][]; identifier?: number; messageAuthenticator?: boolean }): Buffer {
  return radius.encode({
    code: "Access-Request",
    identifier: options.identifier ?? Math.floor(Math.random() * 256),
    secret: options.secret,
    attributes: options.attributes,
    add_message_authenticator: options.messageAuthenticator ?? true,
  });
}

export type RadiusReply = { code: string; attributes: Record<string, unknown>; raw: Buffer } | null;

/**
 * Sends datagrams from a socket bound to `from` (any 127.x address is local on Linux, so tests
 * can be different NASes) and collects the answers within `waitMs`; null for each unanswered one.
 */
export async function sendDatagrams(options: { port: number; from: string; datagrams: Buffer[]; secret: string; waitMs?: number }): Promise<RadiusReply[]> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, options.from, resolve));
  const replies = new Map<number, Buffer>();
  socket.on("message", (message) => {
    const index = options.datagrams.findIndex((d, i) => !replies.has(i) && d.length >= 20 && d[1] === message[1]);
    if (index >= 0) replies.set(index, message);
  });
  for (const datagram of options.datagrams) socket.send(datagram, options.port, "127.0.0.1");
  const deadline = Date.now() + (options.waitMs ?? 3000);
  while (replies.size < options.datagrams.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  socket.close();
  return options.datagrams.map((datagram, i) => {
    const raw = replies.get(i);
    if (!raw) return null;
    // The answer must carry a valid Response Authenticator and Message-Authenticator for this request.
    if (!radius.verify_response({ request: Buffer.from(datagram), response: Buffer.from(raw), secret: options.secret })) throw new Error("answer fails verification");
    const decoded = radius.decode({ packet: raw, secret: options.secret });
    return { code: decoded.code, attributes: decoded.attributes, raw };
  });
}

/** One request, one answer (or null after `waitMs`). */
export async function sendRequest(options: { port: number; from: string; secret: string; request: Buffer; waitMs?: number }): Promise<RadiusReply> {
  const [reply] = await sendDatagrams({ port: options.port, from: options.from, secret: options.secret, datagrams: [options.request], waitMs: options.waitMs });
  return reply;
}
