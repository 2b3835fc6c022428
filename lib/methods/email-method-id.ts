import { maskEmailAddress } from "./email-one-time-code";

/** The method id of a user's email method: "email:<id>" (what the default and the forms carry). */
export function emailMethodId(id: string): string {
  return `email:${id}`;
}

export function parseEmailMethodId(methodId: unknown): string | null {
  if (typeof methodId !== "string") return null;
  return /^email:([A-Za-z0-9_-]{1,64})$/.exec(methodId)?.[1] ?? null;
}

/** What sign-in offers for an email method; the address is masked (the page is before full sign-in). */
export function emailMethodPrompt(address: string): string {
  return `Send a code to ${maskEmailAddress(address)}`;
}
