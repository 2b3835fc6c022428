import { CheckboxField } from "@/components/ui/checkbox-field";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import {
  ADMIN_METHODS_REQUIRED, MAX_RECONFIRM_DAYS, SSPR_METHODS, SSPR_METHOD_LABELS, SSPR_SCOPES, SSPR_SCOPE_LABELS, type SsprPolicy,
} from "@/lib/sspr/sspr-policy-model";

const yesNo = [{ value: "yes", label: "Yes" }, { value: "no", label: "No" }];
const yes = (value: boolean) => (value ? "yes" : "no");

/** The password reset settings, in the order and words of Entra's Password reset blade. */
export function SsprPolicyFields({ policy, groups }: { policy: SsprPolicy; groups: { id: string; name: string }[] }) {
  return (
    <div className="space-y-6">
      <section aria-labelledby="sspr-properties" className="space-y-3">
        <h2 id="sspr-properties" className="text-lg font-semibold">Properties</h2>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium text-slate-800">Self service password reset enabled</legend>
          {SSPR_SCOPES.map((scope) => (
            <label key={scope} className="flex items-center gap-2 text-sm">
              <input type="radio" name="enabledFor" value={scope} defaultChecked={policy.enabledFor === scope} className="accent-blue-700" /> {SSPR_SCOPE_LABELS[scope]}
            </label>
          ))}
        </fieldset>
        <SelectField
          label="Group (when Selected)"
          name="groupId"
          defaultValue={policy.groupId ?? ""}
          options={[{ value: "", label: "— choose a group —" }, ...groups.map((g) => ({ value: g.id, label: g.name }))]}
        />
      </section>
      <section aria-labelledby="sspr-methods" className="space-y-3">
        <h2 id="sspr-methods" className="text-lg font-semibold">Authentication methods</h2>
        <SelectField label="Number of methods required to reset" name="methodsRequired" defaultValue={String(policy.methodsRequired)} options={[{ value: "1", label: "1" }, { value: "2", label: "2" }]} />
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium text-slate-800">Methods available to users</legend>
          {SSPR_METHODS.map((method) => (
            <CheckboxField key={method} label={SSPR_METHOD_LABELS[method]} name="methods" value={method} id={`method-${method}`} defaultChecked={policy.methods.includes(method)} />
          ))}
        </fieldset>
        <p className="max-w-prose rounded border border-amber-300 bg-amber-50 p-3 text-sm text-slate-800">
          Anyone who holds an administrator role is always held to {ADMIN_METHODS_REQUIRED} different methods, whatever the number above —
          so administrators can reset their own password only when at least {ADMIN_METHODS_REQUIRED} methods are available.
        </p>
      </section>
      <section aria-labelledby="sspr-registration" className="space-y-3">
        <h2 id="sspr-registration" className="text-lg font-semibold">Registration</h2>
        <SelectField label="Require users to register when signing in" name="requireRegistration" defaultValue={yes(policy.requireRegistration)} options={yesNo} />
        <TextField
          label="Number of days before users are asked to re-confirm their authentication information"
          hint={`0 to ${MAX_RECONFIRM_DAYS}; 0 means never`}
          name="reconfirmDays"
          type="number"
          min={0}
          max={MAX_RECONFIRM_DAYS}
          defaultValue={policy.reconfirmDays}
        />
      </section>
      <section aria-labelledby="sspr-notifications" className="space-y-3">
        <h2 id="sspr-notifications" className="text-lg font-semibold">Notifications</h2>
        <SelectField label="Notify users on password resets" name="notifyUsers" defaultValue={yes(policy.notifyUsers)} options={yesNo} />
        <SelectField label="Notify all admins when other admins reset their password" name="notifyAdmins" defaultValue={yes(policy.notifyAdmins)} options={yesNo} />
      </section>
    </div>
  );
}
