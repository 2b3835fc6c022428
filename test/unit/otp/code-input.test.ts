import { describe, expect, it } from "vitest";
import { normaliseCodeInput } from "../../../lib/shared/code-input";

describe("code input (C4)", () => {
  it.each([
    ["012345", "012345"],
    [" 012 345 ", "012345"],
    ["012-345", "012345"],
    ["012\u00a0345", "012345"],
  ])("accepts %j as %s", (input, code) => {
    expect(normaliseCodeInput({ input, digits: 6 })).toEqual({ ok: true, code });
  });

  it.each([["12345"], ["1234567"], ["12345a"], ["１２３４５６"], ["١٢٣٤٥٦"], [""], ["12 34 5"]])("refuses %j with a clear message", (input) => {
    const result = normaliseCodeInput({ input, digits: 6 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/exactly 6 digits/);
  });

  it("refuses non-strings without throwing", () => {
    expect(normaliseCodeInput({ input: 123456, digits: 6 }).ok).toBe(false);
    expect(normaliseCodeInput({ input: undefined, digits: 8 }).ok).toBe(false);
  });

  it("uses the token's own digit count", () => {
    expect(normaliseCodeInput({ input: "01234567", digits: 8 })).toEqual({ ok: true, code: "01234567" });
    expect(normaliseCodeInput({ input: "012345", digits: 8 }).ok).toBe(false);
  });
});
