import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientIpAddress, trustedProxies } from "@/lib/shared/client-address";

// Finding 7: X-Forwarded-For counted only when the socket's peer is one of TRUSTED_PROXIES.
// The socket address comes from the portal's own server (lib/server/serve-portal.mjs), which stamps
// it on each request with a random per-process value.
const STAMP = "0123456789abcdef0123456789abcdef";
const request = (peer: string, extra: Record<string, string> = {}, stamp = STAMP) => new Headers({ "x-portal-peer": `${stamp} ${peer}`, ...extra });

describe("the client's address (finding 7)", () => {
  const saved = process.env.PORTAL_PEER_STAMP;
  beforeEach(() => {
    process.env.PORTAL_PEER_STAMP = STAMP;
  });
  afterEach(() => {
    process.env.PORTAL_PEER_STAMP = saved;
  });

  it("a client's own X-Forwarded-For and X-Real-IP are ignored: the socket address counts", () => {
    const none = trustedProxies("");
    expect(clientIpAddress(request("198.51.100.7", { "x-forwarded-for": "203.0.113.99" }), none)).toBe("198.51.100.7");
    expect(clientIpAddress(request("198.51.100.7", { "x-forwarded-for": "1.1.1.1, 203.0.113.99", "x-real-ip": "10.9.9.9" }), none)).toBe("198.51.100.7");
    expect(clientIpAddress(request("::ffff:198.51.100.7"), none)).toBe("198.51.100.7");
    expect(clientIpAddress(request("::1"), none)).toBe("::1");
  });

  it("behind a trusted proxy: the first hop from the right that isn't ours; what a client wrote further left never counts", () => {
    const proxies = trustedProxies("10.0.0.5, 10.1.0.0/16, fd00::/8");
    expect(clientIpAddress(request("10.0.0.5", { "x-forwarded-for": "203.0.113.20" }), proxies)).toBe("203.0.113.20");
    expect(clientIpAddress(request("10.0.0.5", { "x-forwarded-for": "6.6.6.6, 203.0.113.20, 10.1.2.3" }), proxies)).toBe("203.0.113.20");
    expect(clientIpAddress(request("fd00::1", { "x-forwarded-for": "2001:db8::7" }), proxies)).toBe("2001:db8::7");
    // The proxy sent no header: the proxy itself is all we know.
    expect(clientIpAddress(request("10.0.0.5"), proxies)).toBe("10.0.0.5");
    // A peer outside the list is the client, whatever it forwards.
    expect(clientIpAddress(request("10.0.0.6", { "x-forwarded-for": "203.0.113.20" }), proxies)).toBe("10.0.0.6");
  });

  it("a forged or missing stamp gives no address at all, never the forged one", () => {
    const none = trustedProxies("");
    expect(clientIpAddress(request("203.0.113.1", {}, "forged"), none)).toBe("");
    expect(clientIpAddress(new Headers({ "x-forwarded-for": "203.0.113.1" }), none)).toBe("");
    process.env.PORTAL_PEER_STAMP = "";
    expect(clientIpAddress(request("203.0.113.1", {}, ""), none)).toBe("");
  });

  it("TRUSTED_PROXIES refuses what isn't an address or a CIDR range, naming it", () => {
    for (const bad of ["10.0.0.0/33", "proxy.internal", "10.0.0.1/8/1", "fd00::/129", "10.0.0.0/x"]) {
      expect(() => trustedProxies(bad)).toThrow(`"${bad}" is not an IP address or CIDR range`);
    }
  });
});
