import { CheckboxField } from "@/components/ui/checkbox-field";
import { TextField } from "@/components/ui/text-field";
import { POLICY_METHOD_LABELS, type MethodPolicy } from "@/lib/policies/method-policy-model";
import { GroupCheckboxes, type GroupChoice } from "./group-checkboxes";

/** One method's policy: enabled, who it targets, and the settings that method has. */
export function MethodPolicyFields({ policy, groups }: { policy: MethodPolicy; groups: GroupChoice[] }) {
  const label = POLICY_METHOD_LABELS[policy.method];
  const id = (field: string) => `${policy.method}-${field}`;
  return (
    <div className="space-y-3">
      <CheckboxField label={`Enable ${label}`} name="enabled" id={id("enabled")} defaultChecked={policy.enabled} />
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-800">Target</legend>
        <label className="flex items-center gap-2 text-sm"><input type="radio" name="target" value="all" defaultChecked={policy.includeAllUsers} className="accent-blue-700" /> All users</label>
        <label className="flex items-center gap-2 text-sm"><input type="radio" name="target" value="groups" defaultChecked={!policy.includeAllUsers} className="accent-blue-700" /> Selected groups</label>
      </fieldset>
      <GroupCheckboxes legend="Groups (when Selected groups)" name="groupIds" groups={groups} checked={policy.groups.map((g) => g.id)} />
      {policy.method === "hardwareOath" ? (
        <CheckboxField label="Users may activate hardware tokens assigned to them (in Security info)" name="allowSelfActivation" id={id("self")} defaultChecked={(policy as MethodPolicy<"hardwareOath">).settings.allowSelfActivation} />
      ) : null}
      {policy.method === "temporaryAccessPass" ? <TapSettings policy={policy as MethodPolicy<"temporaryAccessPass">} /> : null}
    </div>
  );
}

function TapSettings({ policy }: { policy: MethodPolicy<"temporaryAccessPass"> }) {
  const s = policy.settings;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <TextField label="Minimum lifetime (minutes)" name="minLifetimeMinutes" type="number" min={10} max={43200} defaultValue={s.minLifetimeMinutes} />
      <TextField label="Maximum lifetime (minutes)" name="maxLifetimeMinutes" type="number" min={10} max={43200} defaultValue={s.maxLifetimeMinutes} />
      <TextField label="Default lifetime (minutes)" name="defaultLifetimeMinutes" type="number" min={10} max={43200} defaultValue={s.defaultLifetimeMinutes} />
      <TextField label="Length (characters)" name="length" type="number" min={8} max={48} defaultValue={s.length} />
      <CheckboxField label="One-time use" name="oneTimeUse" defaultChecked={s.oneTimeUse} />
    </div>
  );
}
