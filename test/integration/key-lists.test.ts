import crypto from "node:crypto";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { decode, encode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../lib/db/client";
import { splitSecretList } from "../../lib/crypto/key-file";

const db = getDb();
const keyA = crypto.randomBytes(32).toString("base64");
const keyB = crypto.randomBytes(32).toString("base64");

afterEach(() => {
  delete process.env.PASSWORD_RESET_CAPTCHA_KEY;
  delete process.env.PASSWORD_RESET_CAPTCHA_MAX_NUMBER;
  vi.resetModules();
});

/** The captcha module as a freshly started instance with this key list sees it. */
async function captchaWith(keys: string) {
  process.env.PASSWORD_RESET_CAPTCHA_KEY = keys;
  vi.resetModules();
  return import("../../lib/sspr/captcha");
}

async function solved(captcha: Awaited<ReturnType<typeof captchaWith>>): Promise<string> {
  const challenge = await captcha.createCaptchaChallenge();
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error("not solved");
  return Buffer.from(JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution: { counter: solution.counter, derivedKey: solution.derivedKey } })).toString("base64");
}

describe("key lists: newest signs, every listed key verifies", () => {
  it("PASSWORD_RESET_CAPTCHA_KEY: a challenge signed before the rotation is accepted after it, and refused once its key is gone", async () => {
    process.env.PASSWORD_RESET_CAPTCHA_MAX_NUMBER = "200";
    const before = await solved(await captchaWith(keyA));
    const another = await solved(await captchaWith(keyA));
    const rotated = await captchaWith(`${keyB},${keyA}`);
    expect(await rotated.verifyCaptcha({ db, payload: before })).toBe(true);
    const fresh = await solved(rotated);
    // The new key signs: an instance that knows only the new key accepts what the rotated one hands out.
    expect(await (await captchaWith(keyB)).verifyCaptcha({ db, payload: fresh })).toBe(true);
    expect(await (await captchaWith(keyB)).verifyCaptcha({ db, payload: another })).toBe(false);
  });

  it("AUTH_SECRET: a session cookie sealed with the old secret opens under the list; a new one is sealed with the newest", async () => {
    const [oldSecret, newSecret] = ["old-auth-secret-0123456789abcdef", "new-auth-secret-0123456789abcdef"];
    const salt = "authjs.session-token";
    const secrets = splitSecretList(` ${newSecret}, ${oldSecret} ,`);
    expect(secrets).toEqual([newSecret, oldSecret]);
    const oldCookie = await encode({ token: { uid: "u1" }, secret: oldSecret, salt });
    expect(await decode({ token: oldCookie, secret: secrets, salt })).toMatchObject({ uid: "u1" });
    const newCookie = await encode({ token: { uid: "u2" }, secret: secrets, salt });
    expect(await decode({ token: newCookie, secret: newSecret, salt })).toMatchObject({ uid: "u2" });
    await expect(decode({ token: newCookie, secret: oldSecret, salt })).rejects.toThrow();
  });
});
