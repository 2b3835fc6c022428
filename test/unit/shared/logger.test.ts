import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, currentRequestId, isSecretFieldName, runWithRequestId } from "../../../lib/shared/logger";

/** A logger writing into an array, one parsed JSON object per line. */
function capture(level: "info" | "warn" = "info") {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { log: createLogger({ level, destination }), lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("the logger", () => {
  it("writes one JSON line per event with its level, time and message", () => {
    const { log, lines, parsed } = capture();
    log.info({ importId: "imp-1" }, "Token import started");
    log.error({ err: "database is locked" }, "Token import failed");
    expect(lines).toHaveLength(2);
    const [first, second] = parsed();
    expect(first).toMatchObject({ level: "info", msg: "Token import started", importId: "imp-1", pid: process.pid });
    expect(new Date(first!.time as string).toISOString()).toBe(first!.time);
    expect(second).toMatchObject({ level: "error", msg: "Token import failed", err: "database is locked" });
  });

  it("leaves out events below its level", () => {
    const { log, parsed } = capture("warn");
    log.info("not written");
    log.warn("written");
    expect(parsed().map((line) => line.msg)).toEqual(["written"]);
  });

  it("carries the request's id into every line written while the request runs, across awaits", async () => {
    const { log, parsed } = capture();
    log.info("before any request");
    await runWithRequestId("req-1", async () => {
      log.info("first");
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(currentRequestId()).toBe("req-1");
      log.warn("after a timer");
    });
    await Promise.all([
      runWithRequestId("req-2", async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.info("second request");
      }),
      runWithRequestId("req-3", async () => log.info("third request")),
    ]);
    expect(parsed().map((line) => [line.msg, line.requestId])).toEqual([
      ["before any request", undefined],
      ["first", "req-1"],
      ["after a timer", "req-1"],
      ["third request", "req-3"],
      ["second request", "req-2"],
    ]);
  });

  it("redacts fields whose names say they hold a secret, at any depth", () => {
    const { log, lines, parsed } = capture();
    const secrets = { password: "hunter2-pass", code: "123456", seed: "JBSWY3DPEHPK3PXP", clientSecret: "s3cr3t-value", token: "bearer-value", refresh_token: "rt-value", passphrase: "pskc-pass" };
    log.info({ user: "alice@contoso.example", attempt: { ...secrets, nested: [{ newPassword: "another-pass", otp: "654321" }] }, statusCode: 400 }, "Sign-in refused");
    for (const value of [...Object.values(secrets), "another-pass", "654321"]) expect(lines[0]).not.toContain(value);
    const [line] = parsed();
    expect(line).toMatchObject({ user: "alice@contoso.example", statusCode: 400, attempt: { password: "[Redacted]", code: "[Redacted]", seed: "[Redacted]", clientSecret: "[Redacted]", nested: [{ newPassword: "[Redacted]", otp: "[Redacted]" }] } });
  });

  it("names secret fields by their name, not by accident", () => {
    for (const name of ["password", "PASSWORD", "new_password", "code", "otp", "seed", "secret", "encryptedSecret", "accessToken", "api-key", "apiKey", "authorization", "cookie", "tap"]) expect(isSecretFieldName(name), name).toBe(true);
    for (const name of ["importId", "requestId", "statusCode", "user", "path", "digest", "err", "keyId"]) expect(isSecretFieldName(name), name).toBe(false);
  });
});
