import { headers } from "next/headers";
import type { ClientInfo } from "../signin/sign-in-log";

/**
 * The caller's IP and browser for sign-in and audit records. Takes the last X-Forwarded-For
 * hop — the one added by our own server or the nearest proxy — not the first, which a client
 * can write itself.
 */
export async function currentClientInfo(): Promise<ClientInfo> {
  const list = await headers();
  return { ipAddress: clientIpAddress(list), userAgent: list.get("user-agent") ?? "" };
}

/** The caller's IP from a request's headers (route handlers that have the Request at hand). */
export function clientIpAddress(list: Headers): string {
  const forwarded = list.get("x-forwarded-for")?.split(",").map((part) => part.trim()).filter(Boolean) ?? [];
  return forwarded.at(-1) ?? list.get("x-real-ip") ?? "";
}

/** Whether the browser reached us over HTTPS (directly or through a proxy): cookies are then Secure. */
export async function requestIsHttps(): Promise<boolean> {
  const list = await headers();
  return list.get("x-forwarded-proto")?.split(",")[0].trim() === "https";
}
