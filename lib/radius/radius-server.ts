import dgram from "node:dgram";
import type { Database } from "../db/client";
import { answerAccessRequest } from "./answer-access-request";
import { clientForSource, loadRadiusClientConfigs, type RadiusClientConfig } from "./radius-clients";
import { decodeAccessRequest, encodeResponse, hasValidMessageAuthenticator, readRequestLayout, type DropReason } from "./radius-packet";
import { logger } from "../shared/logger";

/** A retransmission (same source, identifier and authenticator) within this time gets the first answer again (RFC 5080 §2.2.2). */
const DUPLICATE_WINDOW_MS = 30_000;

export type RadiusServerOptions = {
  db: Database;
  port: number;
  /** the address to listen on; an IPv6 one (e.g. "::") makes a dual-stack socket */
  host?: string;
  /** requests per second one source address may send; more are dropped as a flood */
  maxRequestsPerSecondPerAddress?: number;
  /** how often the registered clients are read again (admin changes reach the server within this) */
  clientReloadMs?: number;
  /** how often the drop counters are written to the database */
  counterFlushMs?: number;
};

export type RadiusServer = {
  port: number;
  /** re-reads the registered clients now */
  reloadClients(): Promise<void>;
  /** writes the drop counts gathered so far */
  flushDropCounts(): Promise<void>;
  close(): Promise<void>;
};

/**
 * The portal's RADIUS server (RFC 2865 Access-Request over UDP). Datagrams are checked from the
 * raw bytes first (framing, duplicates of single attributes), then the source must be a
 * registered client and the Message-Authenticator must be valid (and present where the client
 * requires it); anything else is dropped without an answer and counted. A retransmitted request
 * is answered from a short cache, so a code is never checked twice; a source sending more than
 * its per-second allowance is dropped as a flood. Answers come from answerAccessRequest.
 */
export async function startRadiusServer(options: RadiusServerOptions): Promise<RadiusServer> {
  const { db } = options;
  const host = options.host ?? "0.0.0.0";
  const maxPerSecond = options.maxRequestsPerSecondPerAddress ?? 1000;
  let clients: RadiusClientConfig[] = [];
  const reloadClients = async () => {
    clients = await loadRadiusClientConfigs({ db });
  };
  await reloadClients();

  const drops = new Map<DropReason, number>();
  const clientDrops = new Map<string, number>();
  const drop = (reason: DropReason, clientId?: string) => {
    drops.set(reason, (drops.get(reason) ?? 0) + 1);
    if (clientId) clientDrops.set(clientId, (clientDrops.get(clientId) ?? 0) + 1);
  };
  const flushDropCounts = async () => {
    const byReason = [...drops];
    const byClient = [...clientDrops];
    drops.clear();
    clientDrops.clear();
    for (const [reason, count] of byReason) await addDropCount({ db, reason, count });
    for (const [id, count] of byClient) await db.radiusClient.updateMany({ where: { id }, data: { droppedCount: { increment: count } } });
  };

  // Requests per source address in the current second.
  let windowStart = Date.now();
  const perAddress = new Map<string, number>();
  const withinAllowance = (address: string) => {
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      perAddress.clear();
    }
    const count = (perAddress.get(address) ?? 0) + 1;
    perAddress.set(address, count);
    return count <= maxPerSecond;
  };

  const answered = new Map<string, { at: number; response: Promise<Buffer | null> }>();
  const socket = dgram.createSocket({ type: host.includes(":") ? "udp6" : "udp4" });

  const handle = async (datagram: Buffer, source: dgram.RemoteInfo): Promise<Buffer | null> => {
    const layout = readRequestLayout(datagram);
    if ("drop" in layout) {
      drop(layout.drop);
      return null;
    }
    const client = clientForSource(clients, source.address);
    if (!client) {
      drop("unknownAddress");
      return null;
    }
    if (layout.messageAuthenticatorOffset !== null) {
      if (!hasValidMessageAuthenticator(layout, client.secret)) {
        drop("wrongSecret", client.id);
        return null;
      }
    } else if (client.requireMessageAuthenticator) {
      drop("missingMessageAuthenticator", client.id);
      return null;
    }
    const key = `${source.address}|${source.port}|${layout.identifier}|${layout.authenticator.toString("hex")}`;
    const earlier = answered.get(key);
    if (earlier) return earlier.response;
    const response = (async () => {
      const request = decodeAccessRequest(layout, client.secret);
      if (!request) {
        drop("malformed", client.id);
        return null;
      }
      const answer = await answerAccessRequest({ db, client, layout, request, source: source.address });
      return encodeResponse({ request, code: answer.code, attributes: answer.attributes, secret: client.secret });
    })();
    answered.set(key, { at: Date.now(), response });
    return response;
  };

  socket.on("message", (datagram, source) => {
    if (!withinAllowance(source.address)) {
      drop("flood");
      return;
    }
    handle(datagram, source)
      .then((response) => {
        if (response) socket.send(response, source.port, source.address);
      })
      .catch((error: Error) => {
        // No answer: the NAS retries or fails over, as with a server that is down.
        logger().error({ err: error.message, client: source.address }, "RADIUS: request not answered");
      });
  });
  socket.on("error", (error) => logger().error({ err: error.message }, "RADIUS socket error"));

  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });

  const timers = [
    setInterval(() => reloadClients().catch((error: Error) => logger().error({ err: error.message }, "RADIUS: clients not reloaded")), options.clientReloadMs ?? 5_000),
    setInterval(() => flushDropCounts().catch((error: Error) => logger().error({ err: error.message }, "RADIUS: drop counts not written")), options.counterFlushMs ?? 5_000),
    setInterval(() => {
      const oldest = Date.now() - DUPLICATE_WINDOW_MS;
      for (const [key, entry] of answered) if (entry.at < oldest) answered.delete(key);
    }, 5_000),
  ];
  for (const timer of timers) timer.unref();

  return {
    port: socket.address().port,
    reloadClients,
    flushDropCounts,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      await Promise.allSettled([...answered.values()].map((entry) => entry.response));
      await flushDropCounts();
    },
  };
}

/** Adds to a reason's count; the first drop of a reason creates its row (another instance may race to it). */
async function addDropCount(options: { db: Database; reason: DropReason; count: number }): Promise<void> {
  const { db, reason, count } = options;
  const updated = await db.radiusDropCount.updateMany({ where: { reason }, data: { count: { increment: count } } });
  if (updated.count === 1) return;
  try {
    await db.radiusDropCount.create({ data: { reason, count } });
  } catch {
    await db.radiusDropCount.updateMany({ where: { reason }, data: { count: { increment: count } } });
  }
}
