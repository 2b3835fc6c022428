import crypto from "node:crypto";
import type { DatabaseOrTransaction } from "../db/client";
import { countSignIn } from "../metrics/portal-metrics";

export type SignInResource = "Security info" | "Admin console";
/** Who asked: the browser, or a RADIUS client (clientApp "RADIUS", the NAS address as ipAddress). */
export type ClientInfo = { ipAddress: string; userAgent: string; clientApp?: string };

/** The resource a sign-in is for, from where the user is going after it. */
export function resourceFor(callbackUrl: string): SignInResource {
  return callbackUrl.startsWith("/admin") ? "Admin console" : "Security info";
}

export type SignInStepInput = {
  /** "Previously satisfied": an existing session entering another resource (no credential asked) */
  method: "Password" | "OATH verification code" | "Temporary Access Pass" | "Email code" | "Passkey" | "Previously satisfied";
  detail?: string;
  /** a passkey step: user verification and backup eligibility (for amr: user/pin, swk/hwk) */
  userVerified?: boolean;
  backupEligible?: boolean;
  requirement: "primary" | "mfa";
  resultDetail: string;
  succeeded: boolean;
};

/** Starts a sign-in record (Basic info) with its first authentication step. */
export async function createSignInRecord(options: {
  db: DatabaseOrTransaction;
  upn: string;
  userId: string | null;
  /** a portal page, or another protocol's application by name (a RADIUS client, an OpenID Connect app) */
  resource: SignInResource | (string & {});
  client: ClientInfo;
  /** "Browser" (the default) for the portal's own pages; "OpenID Connect" for an application's sign-in */
  clientApp?: string;
  status: "success" | "failure" | "interrupted";
  failureReason?: string;
  firstStep: SignInStepInput;
}): Promise<string> {
  const record = await options.db.signIn.create({
    data: {
      correlationId: crypto.randomUUID(),
      upn: options.upn.slice(0, 320),
      userId: options.userId,
      resource: options.resource,
      ...(options.clientApp ? { clientApp: options.clientApp } : {}),
      ipAddress: options.client.ipAddress.slice(0, 64),
      userAgent: options.client.userAgent.slice(0, 512),
      ...(options.client.clientApp ? { clientApp: options.client.clientApp } : {}),
      status: options.status,
      failureReason: options.failureReason,
      steps: { create: [{ position: 1, ...options.firstStep }] },
    },
  });
  if (options.status !== "interrupted") countSignIn({ result: options.status, method: options.firstStep.method });
  return record.id;
}

/** Appends a step to a sign-in and updates its outcome. */
export async function addSignInStep(options: {
  db: DatabaseOrTransaction;
  signInId: string;
  step: SignInStepInput;
  status?: "success" | "failure" | "interrupted";
  failureReason?: string | null;
  authRequirement?: "singleFactor" | "multiFactor";
}): Promise<void> {
  const position = (await options.db.signInStep.count({ where: { signInId: options.signInId } })) + 1;
  await options.db.signIn.update({
    where: { id: options.signInId },
    data: {
      status: options.status,
      failureReason: options.failureReason,
      authRequirement: options.authRequirement,
      steps: { create: [{ position, ...options.step }] },
    },
  });
  if (options.status === "success" || options.status === "failure") countSignIn({ result: options.status, method: options.step.method });
}
