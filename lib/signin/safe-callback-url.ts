/** Where a sign-in goes when no (acceptable) callback was given. */
export const DEFAULT_CALLBACK_URL = "/mysecurityinfo";

/** Any origin of our own making: a callback is resolved against it and must stay on it. */
const OWN_ORIGIN = "http://portal.invalid";

/**
 * The one gate for every "go back to" address — after sign-in, the registration interrupt's
 * Skip/Continue, the proxy's sign-in redirect (no open redirect, W6). The value is parsed the way a
 * browser will (WHATWG URL: tabs and newlines dropped, `\` read as `/`), so `//x`, `/\x`,
 * `/%09/x` (a tab once decoded), `https:x` or `/..//x` resolve to another origin or scheme and are
 * replaced by the default. What comes back is the serialised path and query only — percent-
 * encoded, without control characters — so a Location header built from it is always valid.
 */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== "string" || value === "") return DEFAULT_CALLBACK_URL;
  let url: URL;
  try {
    url = new URL(value, `${OWN_ORIGIN}/`);
  } catch {
    return DEFAULT_CALLBACK_URL;
  }
  if (url.origin !== OWN_ORIGIN) return DEFAULT_CALLBACK_URL;
  const target = `${url.pathname}${url.search}`;
  // A relative value ("mysecurityinfo", "?x") would resolve against whatever page uses it, and
  // dot segments can leave a path starting with "//" ("/..//evil.example"), which a browser
  // reads as another host.
  if (!value.startsWith("/") || target.startsWith("//") || target.length > 512) return DEFAULT_CALLBACK_URL;
  return target;
}
