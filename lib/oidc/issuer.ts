import { portalUrl } from "../notify/portal-url";

/** Where the provider is mounted in the portal; its issuer is the portal's base URL plus this path. */
export const OIDC_MOUNT_PATH = "/oidc";

/** The issuer URL, from the configured base URL (PORTAL_BASE_URL / AUTH_URL), never from a request's Host header. */
export function oidcIssuer(): string {
  return portalUrl(OIDC_MOUNT_PATH.slice(1));
}
