import { describe, expect, it } from "vitest";
import { DEFAULT_CALLBACK_URL, safeCallbackUrl } from "@/lib/signin/safe-callback-url";

/** How a browser resolves a Location header on the portal's page: the origin it would land on. */
function landsOn(location: string): string {
  return new URL(location, "https://portal.example.com/login").origin;
}

// Values as the page receives them (already percent-decoded once by the query string parser)
// and as they arrive still encoded (double-encoded in the link).
const FOREIGN = [
  "//evil.example/phish",
  "/\\evil.example/phish",
  "\\\\evil.example",
  "/\t/evil.example/phish",
  "/\n/evil.example",
  "/\r\n/evil.example",
  " //evil.example",
  "\t//evil.example",
  "https:evil.example",
  "https://evil.example/",
  "http:/evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "mysecurityinfo",
  "",
  "/..//evil.example",
  "/./\\/evil",
  "/admin/../\\evil",
];

describe("safeCallbackUrl (open redirect)", () => {
  it.each(FOREIGN)("refuses %j and falls back to Security info", (value) => {
    expect(safeCallbackUrl(value)).toBe(DEFAULT_CALLBACK_URL);
  });

  it.each(["/%09/evil.example/phish", "/%0A", "/%2F%2Fevil.example", "/%5Cevil.example", "/%0D%0ALocation:%20https://evil.example", "/\u0000//evil.example"])(
    "keeps the still-encoded %j on the portal, with no control characters",
    (value) => {
      const result = safeCallbackUrl(value);
      expect(landsOn(result)).toBe("https://portal.example.com");
      expect(result).not.toMatch(/[\u0000-\u001f\\]/);
      expect(result.startsWith("//")).toBe(false);
    },
  );

  it("whatever it is given, the result stays on the portal's origin", () => {
    const corpus = [...FOREIGN, "/%09/x", "/%0A", "/a?b=//evil.example#frag", "/%2e%2e//evil.example", "/%2e%2e/%2e%2e//evil.example"];
    for (const value of corpus) {
      const result = safeCallbackUrl(value);
      expect(result.startsWith("/") && !result.startsWith("//")).toBe(true);
      expect(landsOn(result)).toBe("https://portal.example.com");
    }
  });

  it("keeps the portal's own paths and their query, drops a fragment", () => {
    expect(safeCallbackUrl("/admin/users?search=bob")).toBe("/admin/users?search=bob");
    expect(safeCallbackUrl("/mysecurityinfo#top")).toBe("/mysecurityinfo");
    expect(safeCallbackUrl("/admin/../mysignins")).toBe("/mysignins");
  });

  it("refuses what isn't a string and what is too long", () => {
    expect(safeCallbackUrl(undefined)).toBe(DEFAULT_CALLBACK_URL);
    expect(safeCallbackUrl(["/admin"])).toBe(DEFAULT_CALLBACK_URL);
    expect(safeCallbackUrl(`/${"a".repeat(600)}`)).toBe(DEFAULT_CALLBACK_URL);
  });
});
