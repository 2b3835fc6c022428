import "server-only";
import { enterResourceAs, getCurrentUser, type CurrentUser } from "./current-user";
import { rolesAllow, type Permission } from "../auth/permissions";
import { isSameOrigin } from "../auth/same-origin";

/**
 * The route-handler twin of requirePermission (W1): answers with a JSON 401/403 instead of a
 * redirect. State-changing requests must also come from our own origin (W2; a `null` origin is
 * refused too) — proxy.ts refuses cross-origin server action posts the same way.
 */
export async function authorizeRoute(request: Request, permission: Permission): Promise<{ ok: true; user: CurrentUser } | { ok: false; response: Response }> {
  if (request.method !== "GET" && request.method !== "HEAD" && !isSameOrigin(request)) {
    return { ok: false, response: Response.json({ error: "Cross-site requests are not accepted." }, { status: 403 }) };
  }
  const user = await getCurrentUser();
  if (!user) return { ok: false, response: Response.json({ error: "Your session has ended. Sign in again." }, { status: 401 }) };
  if (!rolesAllow(user.roles, permission)) {
    return { ok: false, response: Response.json({ error: "You don't have permission to do this." }, { status: 403 }) };
  }
  if (user.sessionMfaAt === null) {
    return { ok: false, response: Response.json({ error: "This needs a sign-in with a second method." }, { status: 403 }) };
  }
  const entry = await enterResourceAs(user, "Admin console");
  if (entry.outcome !== "allowed") {
    return { ok: false, response: Response.json({ error: entry.outcome === "blocked" ? entry.message : "This needs a sign-in with a second method." }, { status: 403 }) };
  }
  return { ok: true, user };
}
