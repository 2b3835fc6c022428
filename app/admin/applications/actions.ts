"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { consoleActor, directoryAnswer, type DirectoryActionState } from "@/lib/server/console-actor";
import {
  addApplicationSecret,
  assignToApplication,
  deleteApplication,
  redirectUriSchema,
  registerApplication,
  removeApplicationSecret,
  unassignFromApplication,
  updateApplication,
} from "@/lib/oidc/applications";
import { rotateSigningKeys } from "@/lib/oidc/signing-keys";
import { API_PERMISSIONS, setApplicationApiPermission } from "@/lib/oidc/api-permissions";

/** Several URIs are typed into one field, separated by spaces or new lines. */
const uriList = z.string().max(20_000, "Too many URIs.").transform((value) => value.split(/\s+/).filter(Boolean));
/** The same list, each URI checked as the domain checks it, so a bad one is named at its field. */
const checkedUriList = uriList.pipe(z.array(redirectUriSchema).max(20, "At most 20 URIs."));
const applicationId = z.string().min(1, "Choose an application.").max(100);

const registerSchema = z.object({
  name: z.string().max(200, "The name can be at most 100 characters."),
  redirectUris: uriList,
  postLogoutRedirectUris: uriList.optional(),
  homePageUrl: z.string().trim().max(2000, "The home page URL is too long.").optional(),
  clientType: z.enum(["confidential", "public"], { message: "Choose confidential or public." }),
  assignmentRequired: z.literal("on").optional(),
});

export const registerApplicationAction = validatedAction({ access: "applications.manage", schema: registerSchema }, async (input, { user }): Promise<DirectoryActionState> => {
  const result = await registerApplication({
    db: getDb(),
    input: {
      name: input.name,
      redirectUris: input.redirectUris,
      postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
      homePageUrl: input.homePageUrl ?? "",
      isPublic: input.clientType === "public",
      assignmentRequired: input.assignmentRequired === "on",
    },
    actor: await consoleActor(user),
    now: new Date(),
  });
  return directoryAnswer(result, (done) =>
    done.secret
      ? `Registered. Client ID: ${done.clientId} · Client secret (shown only now, copy it): ${done.secret}`
      : `Registered. Client ID: ${done.clientId} · Public client: no secret; it must use PKCE.`,
  );
});

const secretSchema = z.object({
  applicationId: z.string().min(1).max(100),
  days: z.coerce.number({ message: "Enter the number of days." }).int("Enter whole days.").min(1, "At least 1 day.").max(730, "At most 730 days."),
});

export const addApplicationSecretAction = validatedAction({ access: "applications.manage", schema: secretSchema }, async (input, { user }): Promise<DirectoryActionState> => {
  const result = await addApplicationSecret({ db: getDb(), applicationId: input.applicationId, days: input.days, actor: await consoleActor(user), now: new Date() });
  return directoryAnswer(result, (done) => `New client secret (shown only now, copy it): ${done.secret} · expires ${done.expiresAt.toISOString().slice(0, 10)}`);
});

const assignSchema = z.object({
  applicationId: z.string().min(1).max(100),
  principalType: z.enum(["user", "group"], { message: "Choose user or group." }),
  principal: z.string().trim().min(1, "Enter a user principal name or a group name.").max(320),
});

export const assignApplicationAction = validatedAction({ access: "applications.manage", schema: assignSchema }, async (input, { user }): Promise<DirectoryActionState> => {
  const principal = input.principalType === "user" ? { type: "user" as const, upn: input.principal } : { type: "group" as const, name: input.principal };
  const result = await assignToApplication({ db: getDb(), applicationId: input.applicationId, principal, actor: await consoleActor(user) });
  return directoryAnswer(result, () => `${input.principal} is assigned.`);
});

const apiPermissionSchema = z.object({
  applicationId: z.string().min(1).max(100),
  permission: z.enum(API_PERMISSIONS, { message: "Choose one of the API permissions." }),
  grant: z.enum(["grant", "revoke"], { message: "Choose grant or revoke." }),
});

/** Grants or revokes an automation API application permission (admin consent; Global Administrator only). */
export const setApiPermissionAction = validatedAction({ access: "apiPermissions.grant", schema: apiPermissionSchema }, async (input, { user }): Promise<DirectoryActionState> => {
  const granted = input.grant === "grant";
  const result = await setApplicationApiPermission({ db: getDb(), applicationId: input.applicationId, permission: input.permission, granted, actor: await consoleActor(user), now: new Date() });
  return directoryAnswer(result, () => `${input.permission} ${granted ? "granted" : "revoked"}. New access tokens carry it${granted ? "" : " no longer"}; the API checks the grant on every request.`);
});

const settingsSchema = z.object({
  applicationId,
  name: z.string().trim().min(1, "Enter the application's name.").max(100, "The name can be at most 100 characters."),
  redirectUris: checkedUriList.refine((uris) => uris.length > 0, "Enter at least one redirect URI."),
  postLogoutRedirectUris: checkedUriList.optional(),
  homePageUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/, error: "Enter an absolute http(s):// home page URL, or leave it empty." })]).optional(),
  assignmentRequired: z.literal("on").optional(),
});

export const updateApplicationAction = validatedAction({ access: "applications.manage", schema: settingsSchema }, async (input, { user }): Promise<DirectoryActionState> => {
  const result = await updateApplication({
    db: getDb(),
    applicationId: input.applicationId,
    input: {
      name: input.name,
      redirectUris: input.redirectUris,
      postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
      homePageUrl: input.homePageUrl ?? "",
      assignmentRequired: input.assignmentRequired === "on",
    },
    actor: await consoleActor(user),
  });
  return directoryAnswer(result, (done) => `Saved ${done.name}.`);
});

export const deleteApplicationAction = validatedAction(
  { access: "applications.manage", schema: z.object({ applicationId, confirm: z.literal("on", { error: "Tick the box to confirm the deletion." }) }) },
  async (input, { user }): Promise<DirectoryActionState> => {
    const result = await deleteApplication({ db: getDb(), applicationId: input.applicationId, actor: await consoleActor(user) });
    if (!result.ok) return { error: result.reason };
    redirect(`/admin/applications?deleted=${encodeURIComponent(result.name)}`);
  },
);

export const removeApplicationSecretAction = validatedAction(
  { access: "applications.manage", schema: z.object({ applicationId, secretId: z.string().min(1, "Choose a secret.").max(100) }) },
  async (input, { user }): Promise<DirectoryActionState> => {
    const result = await removeApplicationSecret({ db: getDb(), applicationId: input.applicationId, secretId: input.secretId, actor: await consoleActor(user) });
    return directoryAnswer(result, (done) => `Removed the secret ${done.hint}…; the application can no longer use it.`);
  },
);

export const unassignApplicationAction = validatedAction(
  { access: "applications.manage", schema: z.object({ applicationId, principalType: z.enum(["user", "group"], { message: "Choose user or group." }), principalId: z.string().min(1).max(100) }) },
  async (input, { user }): Promise<DirectoryActionState> => {
    const result = await unassignFromApplication({ db: getDb(), applicationId: input.applicationId, principalType: input.principalType, principalId: input.principalId, actor: await consoleActor(user) });
    return directoryAnswer(result, (done) => `${done.principal} is no longer assigned.`);
  },
);

export const rotateSigningKeysAction = validatedAction(
  { access: "applications.manage", schema: z.object({ confirm: z.literal("on", { error: "Tick the box to confirm the rotation." }) }) },
  async (_input, { user }): Promise<DirectoryActionState> => {
    const result = await rotateSigningKeys({ db: getDb(), actor: await consoleActor(user), now: new Date() });
    return directoryAnswer(result, (done) => `New signing keys ${done.created.join(", ")} sign from now on (every instance picks them up within a minute). The previous keys stay in the JWKS for a day.`);
  },
);
