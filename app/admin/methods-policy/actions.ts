"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { formCheckbox, formList, validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { consoleActor, type DirectoryActionState } from "@/lib/server/console-actor";
import { POLICY_METHODS, POLICY_METHOD_LABELS, methodSettingsSchemas, type MethodSettings, type PolicyMethod } from "@/lib/policies/method-policy-model";
import { getAuthenticationMethodsPolicy, saveMethodPolicy } from "@/lib/policies/methods-policy";
import { splitPemCertificates } from "@/lib/policies/passkey-policy-model";

const schema = z.object({
  method: z.enum(POLICY_METHODS, { message: "Choose a method from the list" }),
  target: z.enum(["all", "groups"], { message: "Choose All users or Selected groups" }),
  groupIds: formList(z.array(z.string().max(64)).max(200, "Choose at most 200 groups.")),
  enabled: formCheckbox(),
  // The methods' own checkboxes (each form sends its method's); their settings schemas check the rest.
  allowSelfActivation: formCheckbox(),
  oneTimeUse: formCheckbox(),
  allowSelfServiceSetup: formCheckbox(),
  enforceAttestation: formCheckbox(),
  removeRootCertificates: formCheckbox(),
  aaguids: z
    .string()
    .optional()
    .transform((list) => (list ?? "").split(/[\s,]+/).filter(Boolean)),
});
type Input = z.infer<typeof schema>;

/** The method's settings from its form fields. */
async function settingsInput(method: PolicyMethod, input: Input, formData: FormData): Promise<unknown> {
  switch (method) {
    case "hardwareOath": return { allowSelfActivation: input.allowSelfActivation };
    case "temporaryAccessPass":
      return {
        minLifetimeMinutes: formData.get("minLifetimeMinutes"),
        maxLifetimeMinutes: formData.get("maxLifetimeMinutes"),
        defaultLifetimeMinutes: formData.get("defaultLifetimeMinutes"),
        oneTimeUse: input.oneTimeUse,
        length: formData.get("length"),
      };
    case "passkey": return passkeySettingsInput(input, formData);
    default: return {};
  }
}

/** An uploaded PEM file is at most this big (a few root certificates). */
const MAX_ROOT_FILE_BYTES = 200_000;

/**
 * Passkey (FIDO2) settings: the AAGUID list is one per line; an uploaded PEM file replaces the
 * root certificates, "Remove" clears them, and otherwise the stored ones stay.
 */
async function passkeySettingsInput(input: Input, formData: FormData): Promise<unknown> {
  const file = formData.get("rootCertificatesFile");
  let rootCertificates: unknown = (await getAuthenticationMethodsPolicy({ db: getDb() })).passkey.settings.rootCertificates;
  if (input.removeRootCertificates) rootCertificates = [];
  if (file instanceof File && file.size > 0) {
    const text = file.size <= MAX_ROOT_FILE_BYTES ? await file.text() : "";
    const certificates = splitPemCertificates(text);
    // An unreadable file is reported by the schema (a non-certificate entry), not silently dropped.
    rootCertificates = certificates.length ? certificates : [text.slice(0, 100) || "(empty or too large file)"];
  }
  return {
    allowSelfServiceSetup: input.allowSelfServiceSetup,
    enforceAttestation: input.enforceAttestation,
    keyRestrictions: formData.get("keyRestrictions"),
    aaguids: input.aaguids,
    rootCertificates,
  };
}

/** Saves one method's part of the authentication methods policy. */
export const saveMethodPolicyAction = validatedAction(
  { access: "policies.manage", schema },
  async (input, { user, formData }): Promise<DirectoryActionState> => {
    const settings = methodSettingsSchemas[input.method].safeParse(await settingsInput(input.method, input, formData));
    if (!settings.success) return { error: "Check the highlighted fields and try again.", fieldErrors: z.flattenError(settings.error as z.ZodError).fieldErrors as Record<string, string[]> };
    const result = await saveMethodPolicy({
      db: getDb(),
      method: input.method,
      enabled: input.enabled,
      includeAllUsers: input.target === "all",
      groupIds: input.groupIds,
      settings: settings.data as MethodSettings[typeof input.method],
      actor: await consoleActor(user),
    });
    refresh();
    return result.ok ? { success: `${POLICY_METHOD_LABELS[input.method]} saved.` } : { error: result.reason };
  },
);
