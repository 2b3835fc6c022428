import { afterEach, describe, expect, it } from "vitest";
import { portalUrl } from "../../../lib/notify/portal-url";

const saved = { PORTAL_BASE_URL: process.env.PORTAL_BASE_URL, AUTH_URL: process.env.AUTH_URL, PORT: process.env.PORT };
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("links in mail (R5)", () => {
  it("come from PORTAL_BASE_URL, keeping a path prefix", () => {
    process.env.PORTAL_BASE_URL = "https://portal.contoso.example/security";
    process.env.AUTH_URL = "https://other.example";
    expect(portalUrl("/login")).toBe("https://portal.contoso.example/security/login");
    expect(portalUrl("admin/audit")).toBe("https://portal.contoso.example/security/admin/audit");
  });

  it("fall back to AUTH_URL without Auth.js's /api/auth, then to the local address", () => {
    delete process.env.PORTAL_BASE_URL;
    process.env.AUTH_URL = "https://portal.contoso.example/api/auth";
    expect(portalUrl("/login")).toBe("https://portal.contoso.example/login");
    delete process.env.AUTH_URL;
    process.env.PORT = "4100";
    expect(portalUrl("/login")).toBe("http://localhost:4100/login");
  });
});
