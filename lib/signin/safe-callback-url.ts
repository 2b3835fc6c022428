/** Only same-site paths are followed after sign-in (no open redirect to another host). */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) {
    return "/mysecurityinfo";
  }
  return value.slice(0, 512);
}
