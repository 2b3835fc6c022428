import { MAX_OATH_METHODS_PER_USER } from "../tokens/assignment-rules";

/** The limit of hardware tokens + authenticator apps, said to the user who reached it. */
export function methodLimitMessage(): string {
  return `You already have ${MAX_OATH_METHODS_PER_USER} hardware tokens and authenticator apps, the most one account may hold. Delete one you no longer use, then add this one.`;
}
