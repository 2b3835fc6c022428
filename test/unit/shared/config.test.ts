import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, configProblems, setting, SETTINGS, type SettingName } from "../../../lib/shared/config";

const touched = new Map<string, string | undefined>();
function setEnv(name: string, value: string | undefined) {
  if (!touched.has(name)) touched.set(name, process.env[name]);
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
afterEach(() => {
  for (const [name, value] of touched) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  touched.clear();
});

/** The variables the README's Configuration table lists, in its order. */
function readmeVariables(): string[] {
  const readme = fs.readFileSync(path.join(__dirname, "..", "..", "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Configuration (environment variables)"));
  const table = section.slice(0, section.indexOf("\n## "));
  return [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1]!);
}

describe("the configuration schema", () => {
  it("is what the README's Configuration table lists, no more and no less", () => {
    const listed = readmeVariables();
    expect(listed.length).toBeGreaterThan(30);
    expect(new Set(listed).size, "each variable once").toBe(listed.length);
    expect([...listed].sort()).toEqual(Object.keys(SETTINGS).sort());
  });

  it("gives today's defaults when a variable is unset or blank", () => {
    for (const name of ["MFA_LOCKOUT_THRESHOLD", "SESSION_MAX_HOURS", "PORT", "PASSWORD_MIN_LENGTH", "PORTAL_ISSUER", "LOG_LEVEL", "RADIUS_PORT", "VERIFY_API_KEY"]) setEnv(name, undefined);
    expect(setting("MFA_LOCKOUT_THRESHOLD")).toBe(10);
    expect(setting("SESSION_MAX_HOURS")).toBe(12);
    expect(setting("PORT")).toBe(3000);
    expect(setting("PASSWORD_MIN_LENGTH")).toBe(12);
    expect(setting("PORTAL_ISSUER")).toBe("Contoso");
    expect(setting("LOG_LEVEL")).toBe("info");
    expect(setting("RADIUS_PORT")).toBeNull();
    expect(setting("VERIFY_API_KEY")).toBeUndefined();
    setEnv("MFA_LOCKOUT_THRESHOLD", "   ");
    expect(setting("MFA_LOCKOUT_THRESHOLD")).toBe(10);
  });

  it("reads a value, caps it where the README says so, and sees a changed value", () => {
    setEnv("MFA_LOCKOUT_THRESHOLD", "3");
    expect(setting("MFA_LOCKOUT_THRESHOLD")).toBe(3);
    setEnv("MFA_LOCKOUT_THRESHOLD", "500");
    expect(setting("MFA_LOCKOUT_THRESHOLD")).toBe(100);
    setEnv("SESSION_MAX_HOURS", "0.5");
    expect(setting("SESSION_MAX_HOURS")).toBe(0.5);
    setEnv("PASSWORD_MIN_LENGTH", "4");
    expect(setting("PASSWORD_MIN_LENGTH")).toBe(8);
    setEnv("PORTAL_ISSUER", "  Fabrikam  ");
    expect(setting("PORTAL_ISSUER")).toBe("Fabrikam");
  });

  it("refuses a bad value with the variable's name and what it accepts, never the value", () => {
    const cases: [SettingName, string, RegExp][] = [
      ["MFA_LOCKOUT_THRESHOLD", "ten", /^MFA_LOCKOUT_THRESHOLD is not valid: it accepts a whole number of at least 1/],
      ["AUDIT_RETENTION_DAYS", "0", /^AUDIT_RETENTION_DAYS is not valid: it accepts a whole number of days of at least 1/],
      ["PORT", "70000", /^PORT is not valid: it accepts a port number from 1 to 65535\.$/],
      ["SMTP_URL", "http://user:hunter2@mail.example", /^SMTP_URL is not valid: it accepts an smtp:\/\/ or smtps:\/\/ URL\.$/],
      ["DATABASE_URL", "mysql://db", /^DATABASE_URL is not valid/],
      ["LOG_LEVEL", "loud", /^LOG_LEVEL is not valid: it accepts fatal, error/],
      ["TRUSTED_PROXIES", "10.0.0.5, proxy.local", /^TRUSTED_PROXIES is not valid: .* "proxy\.local" is not an IP address/],
      ["SESSION_MAX_HOURS", "-1", /^SESSION_MAX_HOURS is not valid/],
    ];
    for (const [name, value, message] of cases) {
      setEnv(name, value);
      expect(() => setting(name), name).toThrow(ConfigError);
      expect(() => setting(name), name).toThrow(message);
      const problems = configProblems();
      expect(problems.some((problem) => message.test(problem)), name).toBe(true);
      expect(problems.join("\n")).not.toContain("hunter2");
      setEnv(name, undefined);
    }
    expect(configProblems()).toEqual([]);
  });

  it("describes every variable", () => {
    for (const [name, entry] of Object.entries(SETTINGS)) {
      expect(entry.description.length, name).toBeGreaterThan(5);
      expect(entry.accepts.length, name).toBeGreaterThan(2);
    }
  });
});
