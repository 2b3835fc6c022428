import "server-only";
import { refresh } from "next/cache";
import type { CurrentUser } from "./current-user";
import { currentClientInfo } from "./request-context";
import type { DirectoryAdmin } from "../directory/user-action";

/** The signed-in admin as the directory functions audit and judge them, with the request's IP. */
export async function consoleActor(user: CurrentUser): Promise<DirectoryAdmin> {
  const { ipAddress } = await currentClientInfo();
  return { id: user.id, upn: user.upn, roles: user.roles, ipAddress };
}

/** What a directory action returns to its form: the outcome, and at most once a generated password or Temporary Access Pass. */
export type DirectoryActionState = {
  error?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  success?: string;
  temporaryPassword?: string;
  /** the pass and its validity in words ("Valid from … until … · one-time use") */
  temporaryAccessPass?: { pass: string; validity: string };
};

/** Every outcome may have changed what the page shows: re-render it, then report. */
export function directoryAnswer<Done extends { ok: true }>(
  result: Done | { ok: false; reason: string },
  success: (done: Done) => string | DirectoryActionState,
): DirectoryActionState {
  refresh();
  if (!result.ok) return { error: result.reason };
  const state = success(result);
  return typeof state === "string" ? { success: state } : state;
}
