import "server-only";
import { headers } from "next/headers";
import type { ClientInfo } from "../audit/sign-in-log";
import { clientIpAddress } from "../shared/client-address";

/** The caller's IP and browser for sign-in and audit records. */
export async function currentClientInfo(): Promise<ClientInfo> {
  const list = await headers();
  return { ipAddress: clientIpAddress(list), userAgent: list.get("user-agent") ?? "" };
}

/**
 * Whether the browser reached us over HTTPS (through a proxy): cookies are then Secure. Read from
 * X-Forwarded-Proto whoever sends it, as Auth.js does for the session cookie, so both cookies
 * agree; a client claiming HTTPS over plain HTTP only makes its own cookies unusable.
 */
export async function requestIsHttps(): Promise<boolean> {
  const list = await headers();
  return list.get("x-forwarded-proto")?.split(",")[0].trim() === "https";
}
