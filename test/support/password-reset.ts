import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { createCaptchaChallenge } from "../../lib/sspr/captcha";

// A small puzzle keeps the tests quick; the server's checks are the same at any difficulty.
process.env.PASSWORD_RESET_CAPTCHA_MAX_NUMBER = "200";

/** A solved password reset robot check, as the browser posts it. */
export async function solvedCaptcha(): Promise<string> {
  const challenge = await createCaptchaChallenge();
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error("the test CAPTCHA was not solved");
  const payload = { challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution: { counter: solution.counter, derivedKey: solution.derivedKey } };
  return Buffer.from(JSON.stringify(payload)).toString("base64");
}
