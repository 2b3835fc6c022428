import { describe, expect, it } from "vitest";
import { addressMatches, parseClientAddress } from "../../../lib/radius/radius-clients";
import { decodeAccessRequest, encodeResponse, hasValidMessageAuthenticator, readRequestLayout, type RequestLayout } from "../../../lib/radius/radius-packet";
import { accessRequest } from "../../support/radius-test-client";
import radius from "radius";

const secret = "shared-secret-for-the-unit-test";
const layoutOf = (datagram: Buffer): RequestLayout => {
  const layout = readRequestLayout(datagram);
  if ("drop" in layout) throw new Error(`dropped: ${layout.drop}`);
  return layout;
};

describe("RADIUS client addresses", () => {
  it("reads addresses and CIDR ranges, IPv4 and IPv6, and refuses anything else", () => {
    expect(parseClientAddress("192.0.2.10")).toEqual({ address: "192.0.2.10", prefix: 32, family: "ipv4" });
    expect(parseClientAddress(" 10.0.0.0/24 ")).toEqual({ address: "10.0.0.0", prefix: 24, family: "ipv4" });
    expect(parseClientAddress("2001:db8::/64")).toEqual({ address: "2001:db8::", prefix: 64, family: "ipv6" });
    for (const bad of ["", "vpn.contoso.example", "10.0.0.0/33", "10.0.0.0/x", "10.0.0.0/8/8", "999.1.1.1", "2001:db8::/129"]) expect(parseClientAddress(bad)).toBeNull();
  });

  it("matches a source inside the range only; an IPv4 sender on a dual-stack socket counts as IPv4", () => {
    expect(addressMatches("10.0.0.0/24", "10.0.0.77")).toBe(true);
    expect(addressMatches("10.0.0.0/24", "10.0.1.77")).toBe(false);
    expect(addressMatches("192.0.2.10", "192.0.2.10")).toBe(true);
    expect(addressMatches("192.0.2.10", "192.0.2.11")).toBe(false);
    expect(addressMatches("192.0.2.10", "::ffff:192.0.2.10")).toBe(true);
    expect(addressMatches("2001:db8::/64", "2001:db8::5")).toBe(true);
    expect(addressMatches("2001:db8::/64", "2001:db9::5")).toBe(false);
  });
});

describe("Access-Request framing and Message-Authenticator", () => {
  it("accepts a request built by the packet library and decodes its PAP password", () => {
    const layout = layoutOf(accessRequest({ secret, attributes: [["User-Name", "alice@contoso.example"], ["User-Password", "correct horse battery"]] }));
    expect(layout.authentication).toBe("pap");
    expect(hasValidMessageAuthenticator(layout, secret)).toBe(true);
    expect(hasValidMessageAuthenticator(layout, "another-secret")).toBe(false);
    const request = decodeAccessRequest(layout, secret);
    expect(request).toMatchObject({ userName: "alice@contoso.example", password: "correct horse battery", state: null });
  });

  it("a flipped bit anywhere in the packet breaks the Message-Authenticator", () => {
    const datagram = accessRequest({ secret, attributes: [["User-Name", "alice@contoso.example"], ["User-Password", "123456"]] });
    for (const offset of [1, 5, 22, datagram.length - 1]) {
      const flipped = Buffer.from(datagram);
      flipped[offset] ^= 0x01;
      const layout = readRequestLayout(flipped);
      expect("drop" in layout ? false : hasValidMessageAuthenticator(layout, secret)).toBe(false);
    }
  });

  it("without a Message-Authenticator the check fails (the server then drops it where required)", () => {
    const layout = layoutOf(accessRequest({ secret, messageAuthenticator: false, attributes: [["User-Name", "alice@contoso.example"], ["User-Password", "123456"]] }));
    expect(layout.messageAuthenticatorOffset).toBeNull();
    expect(hasValidMessageAuthenticator(layout, secret)).toBe(false);
  });

  it("names CHAP and MS-CHAP requests so they can be refused with a reason", () => {
    expect(layoutOf(accessRequest({ secret, attributes: [["User-Name", "a"], ["CHAP-Password", Buffer.alloc(17, 1)]] })).authentication).toBe("chap");
    const msChap = Buffer.concat([Buffer.from([0, 0, 1, 55]), Buffer.from([25, 52]), Buffer.alloc(50, 7)]);
    expect(layoutOf(accessRequest({ secret, attributes: [["User-Name", "a"], ["Vendor-Specific", msChap]] })).authentication).toBe("msChap");
  });

  it("the answer verifies at the client: Response Authenticator and Message-Authenticator, Proxy-State echoed", () => {
    const datagram = accessRequest({ secret, attributes: [["User-Name", "alice@contoso.example"], ["User-Password", "123456"], ["Proxy-State", Buffer.from("hop-1")]] });
    const request = decodeAccessRequest(layoutOf(datagram), secret)!;
    const answer = encodeResponse({ request, code: "Access-Accept", attributes: [["Reply-Message", "x".repeat(400)], ["Filter-Id", "vpn-staff"]], secret });
    expect(radius.verify_response({ request: datagram, response: Buffer.from(answer), secret })).toBe(true);
    const decoded = radius.decode({ packet: answer, secret });
    // A Reply-Message longer than one attribute holds is split over several.
    expect(decoded.attributes["Reply-Message"]).toEqual(["x".repeat(253), "x".repeat(147)]);
    expect(decoded.attributes["Filter-Id"]).toBe("vpn-staff");
    expect(decoded.attributes["Proxy-State"]).toEqual(Buffer.from("hop-1"));
    expect(decoded.attributes["Message-Authenticator"]).toBeInstanceOf(Buffer);
  });
});
