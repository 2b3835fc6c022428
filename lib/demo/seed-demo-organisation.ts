import crypto from "node:crypto";
import { systemActor } from "../audit/write-audit-event";
import type { Role } from "../auth/permissions";
import type { Database } from "../db/client";
import { codeAt } from "../otp/totp";
import { METHOD_POLICY_DEFAULTS } from "../policies/method-policy-model";
import { saveMethodPolicy } from "../policies/methods-policy";
import { saveSsprPolicy } from "../sspr/sspr-policy";
import { SSPR_POLICY_DEFAULTS } from "../sspr/sspr-policy-model";
import { activateHardwareToken } from "../tokens/activate-hardware-token";
import { addHardwareToken } from "../tokens/add-hardware-token";
import { createUser } from "../users/create-user";

/** Marks a database as the demo, so `npm run demo:code` may reveal codes of its tokens. */
export const DEMO_SETTING_KEY = "demo.organisation";

type DemoPerson = { upn: string; displayName: string; roles?: Role[]; token?: { serial: string; activate: boolean } };

const PEOPLE: DemoPerson[] = [
  { upn: "admin@contoso.example", displayName: "Megan Bowen", roles: ["Global Administrator"], token: { serial: "FT20240001", activate: true } },
  { upn: "alice@contoso.example", displayName: "Alice Wilber", token: { serial: "FT20240002", activate: true } },
  { upn: "bob@contoso.example", displayName: "Bob Mortensen", token: { serial: "TK20240003", activate: true } },
  { upn: "dave@contoso.example", displayName: "Dave Schmidt", token: { serial: "TK20240004", activate: false } },
  { upn: "carol@contoso.example", displayName: "Carol Patel" },
];
const UNASSIGNED_SERIALS = ["FT20240101", "FT20240102", "TK20240103"];

export type DemoCredential = { upn: string; displayName: string; password: string; tokenSerial?: string; roles: string[] };

/** A random password a person can type: 4 groups of 5 from an unambiguous alphabet (~100 bits). */
function demoPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY3469";
  const chars = Array.from(crypto.randomBytes(20), (byte) => alphabet[byte % alphabet.length]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join("")).join("-");
}

function demoToken(serialNumber: string) {
  const feitian = serialNumber.startsWith("FT");
  return {
    serialNumber,
    manufacturer: feitian ? "Feitian" : "Token2",
    model: feitian ? "c200" : "C302",
    secret: crypto.randomBytes(20),
    period: 30 as const,
    digits: 6 as const,
    algorithm: "SHA1" as const,
  };
}

/**
 * Seeds the demo organisation "Contoso" through the product's own services: users with random
 * passwords, hardware tokens added, assigned and activated with a real code computed from the
 * seed (as a person would type it), unassigned tokens in the inventory, and Temporary Access Pass
 * and email one-time codes enabled in the authentication methods policy.
 */
export async function seedDemoOrganisation(options: { db: Database; now?: Date }): Promise<DemoCredential[]> {
  const { db } = options;
  const now = options.now ?? new Date();
  const credentials: DemoCredential[] = [];
  for (const person of PEOPLE) {
    const password = demoPassword();
    const user = await createUser({ db, upn: person.upn, displayName: person.displayName, password, roles: person.roles, actor: systemActor });
    credentials.push({ upn: person.upn, displayName: person.displayName, password, tokenSerial: person.token?.serial, roles: person.roles ?? [] });
    if (!person.token) continue;
    const token = demoToken(person.token.serial);
    const created = await addHardwareToken({ db, token, assignToUserId: user.id, actor: systemActor });
    if (person.token.activate) {
      const result = await activateHardwareToken({ db, tokenId: created.id, code: codeAt({ ...token, t0: 0, now }), actor: systemActor, now });
      if (!result.ok) throw new Error(`Demo activation of ${token.serialNumber} failed: ${result.reason}`);
    }
  }
  for (const serial of UNASSIGNED_SERIALS) await addHardwareToken({ db, token: demoToken(serial), actor: systemActor });
  // Temporary Access Pass on for everyone (Entra's default lifetimes), so the demo admin can issue
  // one to Carol, who has no method, and she can sign in with it to register one.
  const tap = await saveMethodPolicy({ db, method: "temporaryAccessPass", enabled: true, includeAllUsers: true, groupIds: [], settings: METHOD_POLICY_DEFAULTS.temporaryAccessPass.settings, actor: systemActor });
  if (!tap.ok) throw new Error(`Demo Temporary Access Pass policy: ${tap.reason}`);
  // Email one-time codes on for everyone: in the demo, mail is read at /mymail or with npm run demo:mail.
  const email = await saveMethodPolicy({ db, method: "email", enabled: true, includeAllUsers: true, groupIds: [], settings: {}, actor: systemActor });
  if (!email.ok) throw new Error(`Demo email policy: ${email.reason}`);
  // Self-service password reset for everyone with one method (token, app or email code), so Alice can
  // reset a forgotten password with her token; registration at sign-in stays off in the demo.
  const sspr = await saveSsprPolicy({
    db,
    policy: { ...SSPR_POLICY_DEFAULTS, enabledFor: "all", methods: ["hardwareOath", "softwareOath", "email"], requireRegistration: false },
    actor: systemActor,
  });
  if (!sspr.ok) throw new Error(`Demo password reset policy: ${sspr.reason}`);
  await db.setting.create({ data: { key: DEMO_SETTING_KEY, value: now.toISOString() } });
  return credentials;
}
