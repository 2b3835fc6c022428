"use server";

import { z } from "zod";
import { formCheckbox, formList, validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { consoleActor, directoryAnswer, type DirectoryActionState } from "@/lib/server/console-actor";
import { saveSsprPolicy } from "@/lib/sspr/sspr-policy";
import { ssprPolicySchema } from "@/lib/sspr/sspr-policy-model";

// The form's own fields; the policy itself is validated by its model (in saveSsprPolicy too).
const schema = z.object({
  enabledFor: z.string().max(20),
  methods: formList(z.array(z.string())),
  requireRegistration: formCheckbox("yes"),
  notifyUsers: formCheckbox("yes"),
  notifyAdmins: formCheckbox("yes"),
});

/** Saves the password reset settings (Authentication Policy and Global Administrators). */
export const saveSsprPolicyAction = validatedAction(
  { access: "sspr.manage", schema },
  async (input, { user, formData }): Promise<DirectoryActionState> => {
    const parsed = ssprPolicySchema.safeParse({
      enabledFor: formData.get("enabledFor"),
      groupId: formData.get("groupId") || null,
      methodsRequired: formData.get("methodsRequired"),
      methods: input.methods,
      requireRegistration: input.requireRegistration,
      reconfirmDays: formData.get("reconfirmDays"),
      notifyUsers: input.notifyUsers,
      notifyAdmins: input.notifyAdmins,
    });
    if (!parsed.success) {
      const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
      return { error: "The password reset settings weren't saved.", fieldErrors };
    }
    const result = await saveSsprPolicy({ db: getDb(), policy: parsed.data, actor: await consoleActor(user) });
    return directoryAnswer(result, () => "Password reset settings saved.");
  },
);
