"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { consoleActor } from "@/lib/server/console-actor";
import { deleteRadiusClient, registerRadiusClient, type FilterIdMapping } from "@/lib/radius/radius-clients";
import { FILTER_ID_ROWS, radiusClientSchema } from "./radius-client-fields";

/** What the registration form shows: the outcome, and the shared secret this once. */
export type RadiusClientActionState = { error?: string; fieldErrors?: Record<string, string[] | undefined>; success?: string; sharedSecret?: string };

export const registerRadiusClientAction = validatedAction({ access: "radiusClients.manage", schema: radiusClientSchema }, async (input, { user }): Promise<RadiusClientActionState> => {
  const fields = input as Record<string, string | undefined>;
  const filterIds: FilterIdMapping[] = [];
  for (let n = 1; n <= FILTER_ID_ROWS; n++) {
    const groupId = fields[`filterGroup${n}`];
    const filterId = fields[`filterId${n}`];
    if (!groupId && !filterId) continue;
    if (!groupId || !filterId) return { error: `Filter-Id row ${n}: choose a group and enter its Filter-Id, or leave both empty.` };
    filterIds.push({ groupId, filterId });
  }
  const result = await registerRadiusClient({
    db: getDb(), name: input.name, address: input.address, style: input.style,
    requireMessageAuthenticator: input.requireMessageAuthenticator === "on", filterIds, actor: await consoleActor(user),
  });
  refresh();
  if (!result.ok) return { error: result.reason };
  return { success: `Registered ${input.name.trim()}. Enter this shared secret in the VPN's RADIUS server settings now: it is shown only once.`, sharedSecret: result.sharedSecret };
});

export const deleteRadiusClientAction = validatedAction({ access: "radiusClients.manage", schema: z.object({ clientId: z.string().min(1, "Choose a RADIUS client").max(64) }) }, async (input, { user }): Promise<RadiusClientActionState> => {
  const result = await deleteRadiusClient({ db: getDb(), clientId: input.clientId, actor: await consoleActor(user) });
  refresh();
  if (!result.ok) return { error: result.reason };
  return { success: `Deleted ${result.name}. Its requests are dropped from now on.` };
});
