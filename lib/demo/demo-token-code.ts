import type { Database } from "../db/client";
import { loadOathCredential } from "../otp/oath-credential";
import { codeForStep, timeStepAt } from "../otp/totp";
import { DEMO_SETTING_KEY } from "./seed-demo-organisation";

export type DemoCodeResult =
  | { ok: true; serialNumber: string; code: string; secondsLeft: number; alreadyUsed: boolean; nextCode: string }
  | { ok: false; message: string };

/**
 * What a demo token would show now, so the product can be tried without a physical token.
 * Refused unless the database was seeded as the demo: a real organisation's codes stay secret.
 */
export async function demoTokenCode(options: { db: Database; serialNumber: string; now?: Date }): Promise<DemoCodeResult> {
  const { db } = options;
  const now = options.now ?? new Date();
  const demo = await db.setting.findUnique({ where: { key: DEMO_SETTING_KEY } });
  if (!demo) return { ok: false, message: "This database is not the demo organisation: codes of real tokens are never printed." };
  const token = await db.hardwareToken.findUnique({ where: { serialNumber: options.serialNumber.trim() }, select: { id: true } });
  if (!token) return { ok: false, message: `No hardware token has serial number ${options.serialNumber}.` };
  const credential = await loadOathCredential({ db, ref: { kind: "hardwareToken", id: token.id } });
  if (!credential) return { ok: false, message: `No hardware token has serial number ${options.serialNumber}.` };
  // A demo token's clock is exact: it shows the code of the current step, whatever drift was learned.
  const step = timeStepAt({ now, period: credential.period, t0: credential.t0 });
  const elapsed = now.getTime() / 1000 - credential.t0 - step * credential.period;
  return {
    ok: true,
    serialNumber: credential.label,
    code: codeForStep({ ...credential, step }),
    secondsLeft: Math.ceil(credential.period - elapsed),
    alreadyUsed: step <= credential.lastUsedStep,
    nextCode: codeForStep({ ...credential, step: step + 1 }),
  };
}
