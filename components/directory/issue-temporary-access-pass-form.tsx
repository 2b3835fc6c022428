import { CheckboxField } from "@/components/ui/checkbox-field";
import { TextField } from "@/components/ui/text-field";
import type { DirectoryActionState } from "@/lib/directory/console-actor";
import type { MethodSettings } from "@/lib/policies/method-policy-model";
import { ActionForm } from "./action-form";

type DirectoryAction = (previous: DirectoryActionState | undefined, formData: FormData) => Promise<DirectoryActionState>;

/**
 * "Add Temporary Access Pass" on a user's page: lifetime within the policy's limits (its default
 * filled in), an optional later start, one-time use (forced when the policy says so). The pass
 * appears under the form once. When the policy doesn't enable TAP for this user the form says so
 * up front (the action refuses with the same reason).
 */
export function IssueTemporaryAccessPassForm(props: {
  action: DirectoryAction;
  userId: string;
  upn: string;
  settings: MethodSettings["temporaryAccessPass"];
  enabledForUser: boolean;
}) {
  const { settings } = props;
  return (
    <ActionForm action={props.action} hidden={{ userId: props.userId }} submitLabel="Issue Temporary Access Pass" variant="secondary" label="Issue a Temporary Access Pass" className="space-y-3 rounded border border-slate-200 bg-white p-4 sm:col-span-2">
      <h3 className="text-base font-semibold">Temporary Access Pass</h3>
      <p className="text-sm text-slate-700">
        A time-limited pass of {settings.length} characters that lets {props.upn} sign in and register a method. It replaces any earlier pass and is shown only once.
      </p>
      {props.enabledForUser ? null : (
        <p className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Temporary Access Pass is not enabled for this user in the authentication methods policy.
        </p>
      )}
      <TextField
        label="Lifetime (minutes)"
        name="lifetimeMinutes"
        type="number"
        min={settings.minLifetimeMinutes}
        max={settings.maxLifetimeMinutes}
        defaultValue={settings.defaultLifetimeMinutes}
        hint={`Between ${settings.minLifetimeMinutes} and ${settings.maxLifetimeMinutes} minutes (the policy's limits).`}
      />
      <TextField label="Start time (UTC)" name="startsAt" type="datetime-local" hint="Leave empty to start now." />
      {settings.oneTimeUse ? (
        <p className="text-sm text-slate-700">One-time use: the policy makes every pass one-time.</p>
      ) : (
        <CheckboxField name="oneTimeUse" label="One-time use" />
      )}
    </ActionForm>
  );
}
