import { z } from "zod";
import { enterResourceAs, getCurrentUser, type CurrentUser } from "./current-user";
import { rolesAllow, type Permission } from "../auth/permissions";

/** What every form action returns to its `useActionState` form. */
export type ActionState = {
  error?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  success?: string;
};

const NEEDS_MFA_REASON = "This needs a sign-in with a second method. Sign out and sign in again with your code.";

type Access = "anyone" | "signedIn" | Permission;

/**
 * The one wrapper for server actions: checks who is asking (W1) — anyone, a signed-in user, or
 * a permission from the table (with a completed MFA for admin permissions) — and whether
 * Conditional Access lets the session into the resource (Security info for signed-in actions,
 * the admin console for permissions; `resource: null` for Sign out, which is never refused) —
 * then parses the FormData with the zod schema and hands typed input to `run`. Bad input comes
 * back as field errors; nothing runs before the checks pass.
 */
export function validatedAction<Schema extends z.ZodType, Result extends ActionState>(
  options: { access: Access; schema: Schema; resource?: null },
  run: (input: z.infer<Schema>, context: { user: CurrentUser | null; formData: FormData }) => Promise<Result>,
) {
  return async (_previous: ActionState | Result | undefined, formData: FormData): Promise<Result | ActionState> => {
    const user = options.access === "anyone" ? null : await getCurrentUser();
    if (options.access !== "anyone") {
      if (!user) return { error: "Your session has ended. Sign in again to continue." };
      if (options.access !== "signedIn") {
        if (!rolesAllow(user.roles, options.access)) return { error: "You don't have permission to do this. Ask a Global Administrator for the right role." };
        if (user.sessionMfaAt === null) return { error: NEEDS_MFA_REASON };
      }
      if (options.resource !== null) {
        const entry = await enterResourceAs(user, options.access === "signedIn" ? "Security info" : "Admin console");
        if (entry.outcome === "blocked") return { error: entry.message };
        if (entry.outcome === "mfaRequired") return { error: NEEDS_MFA_REASON };
      }
    }
    // Forms always send FormData; anything else is a hand-made request (an answer, not a 500).
    if (!(formData instanceof FormData)) return { error: "This form could not be read. Reload the page and try again." };
    const parsed = options.schema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) {
      const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
      return { error: "Check the highlighted fields and try again.", fieldErrors };
    }
    return run(parsed.data, { user, formData });
  };
}
