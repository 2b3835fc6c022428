import "server-only";
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

/**
 * The form's fields by name: a name sent once is its value, a name sent repeatedly (a checkbox
 * list) the array of its values, so one zod schema covers the whole form (see formList).
 */
function formInput(formData: FormData): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
  const input: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
  for (const name of new Set(formData.keys())) {
    const values = formData.getAll(name);
    input[name] = values.length === 1 ? values[0] : values;
  }
  return input;
}

/**
 * A checkbox list in a validatedAction schema: none ticked sends nothing, one sends a value, more
 * send an array; `list` always sees an array.
 */
export function formList<List extends z.ZodType<unknown[]>>(list: List) {
  return z.preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), list);
}

/**
 * A checkbox in a validatedAction schema: a box that isn't ticked sends nothing. True when the form
 * sent the field — with `value`, when the form's box has one (`value="yes"`) — else false.
 */
export function formCheckbox(value?: string) {
  return z
    .unknown()
    .optional()
    .transform((sent) => (value === undefined ? sent !== undefined : sent === value));
}

type Access = "anyone" | "signedIn" | Permission;
type Options<Schema, Of extends Access> = { access: Of; schema: Schema; resource?: null };
type Run<Schema extends z.ZodType, User, Result> = (input: z.infer<Schema>, context: { user: User; formData: FormData }) => Promise<Result>;
type FormAction<Result> = (previous: ActionState | Result | undefined, formData: FormData) => Promise<Result | ActionState>;

/**
 * The one wrapper for server actions: checks who is asking (W1) — anyone, a signed-in user, or
 * a permission from the table (with a completed MFA for admin permissions) — and whether
 * Conditional Access lets the session into the resource (Security info for signed-in actions,
 * the admin console for permissions; `resource: null` for Sign out, which is never refused) —
 * then parses the FormData with the zod schema and hands typed input to `run`. Bad input comes
 * back as field errors; nothing runs before the checks pass.
 */
export function validatedAction<Schema extends z.ZodType, Result extends ActionState>(
  options: Options<Schema, "anyone">,
  run: Run<Schema, null, Result>,
): FormAction<Result>;
/** Signed-in and permission actions get the checked user, never null. */
export function validatedAction<Schema extends z.ZodType, Result extends ActionState>(
  options: Options<Schema, Exclude<Access, "anyone">>,
  run: Run<Schema, CurrentUser, Result>,
): FormAction<Result>;
export function validatedAction<Schema extends z.ZodType, Result extends ActionState>(
  options: Options<Schema, Access>,
  run: Run<Schema, null, Result> | Run<Schema, CurrentUser, Result>,
): FormAction<Result> {
  return async (_previous, formData) => {
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
    const parsed = options.schema.safeParse(formInput(formData));
    if (!parsed.success) {
      const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
      return { error: "Check the highlighted fields and try again.", fieldErrors };
    }
    // The overloads pair "anyone" with a null user and every other access with the checked one.
    return (run as Run<Schema, CurrentUser | null, Result>)(parsed.data, { user, formData });
  };
}
