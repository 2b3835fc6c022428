import { portalUrl } from "../notify/portal-url";

/** How the browser's passkey dialog names the portal. */
export const RELYING_PARTY_NAME = "Contoso Security info portal";

/**
 * The relying party a passkey is bound to: the RP ID is the host of the configured base URL
 * (PORTAL_BASE_URL, else AUTH_URL, else localhost) and the expected origin that URL's origin —
 * never the request's Host header, which the client chooses.
 */
export function relyingParty(): { rpID: string; origin: string } {
  const base = new URL(portalUrl("/"));
  return { rpID: base.hostname, origin: base.origin };
}
