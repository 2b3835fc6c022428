import dgram from "node:dgram";
import { accessRequest } from "../support/radius-test-client";
import { percentile, round } from "./bench-server";

export type RadiusLoad = {
  roundTripsPerSecond: number;
  roundTrips: number;
  accepted: number;
  rejected: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** requests that got no answer within 5 s */
  unanswered: number;
};

/**
 * RADIUS Access-Requests with `outstanding` in flight at all times for `seconds`: each of
 * `outstanding` sockets sends a request, waits for its answer, sends the next. `request(i)`
 * builds the i-th datagram (User-Name and the code that user's token shows now).
 */
export async function loadRadius(options: { port: number; outstanding: number; seconds: number; request: (i: number, identifier: number) => Buffer }): Promise<RadiusLoad> {
  const latencies: number[] = [];
  const counts = { accepted: 0, rejected: 0, unanswered: 0 };
  let next = 0;
  const end = Date.now() + options.seconds * 1000;
  const started = Date.now();
  const worker = async () => {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    let identifier = 0;
    while (Date.now() < end) {
      identifier = (identifier + 1) % 256;
      const datagram = options.request(next++, identifier);
      const sentAt = performance.now();
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          socket.off("message", onMessage);
          resolve(null);
        }, 5000);
        const onMessage = (message: Buffer) => {
          if (message[1] !== identifier) return;
          clearTimeout(timer);
          socket.off("message", onMessage);
          resolve(message[0]);
        };
        socket.on("message", onMessage);
        socket.send(datagram, options.port, "127.0.0.1");
      });
      if (code === null) counts.unanswered++;
      else {
        latencies.push(performance.now() - sentAt);
        if (code === 2) counts.accepted++;
        else counts.rejected++;
      }
    }
    socket.close();
  };
  await Promise.all(Array.from({ length: options.outstanding }, worker));
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    roundTripsPerSecond: Math.round(latencies.length / seconds),
    roundTrips: latencies.length,
    ...counts,
    p50Ms: round(percentile(latencies, 50), 1),
    p95Ms: round(percentile(latencies, 95), 1),
    p99Ms: round(percentile(latencies, 99), 1),
  };
}

export { accessRequest };
