import { CheckboxField } from "@/components/ui/checkbox-field";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { CONDITIONAL_ACCESS_RESOURCES, POLICY_GRANTS, POLICY_GRANT_LABELS, POLICY_STATES, POLICY_STATE_LABELS } from "@/lib/conditional-access/policy-model";
import type { ConditionalAccessPolicyView } from "@/lib/conditional-access/policy-store";
import { AUTHENTICATION_STRENGTHS, AUTHENTICATION_STRENGTH_LABELS } from "@/lib/conditional-access/authentication-strength";
import { GroupCheckboxes, type GroupChoice } from "./group-checkboxes";

/** The fields of a Conditional Access policy (new or existing), laid out as Entra's blade is: users, resources, grant, state. */
export function ConditionalAccessPolicyFields({ policy, groups, radiusClients = [] }: {
  policy: ConditionalAccessPolicyView | null;
  groups: GroupChoice[];
  /** registered RADIUS clients (VPNs), each a resource of its own */
  radiusClients?: { value: string; label: string }[];
}) {
  const includeAll = policy?.includeAllUsers ?? true;
  return (
    <div className="space-y-5">
      <TextField label="Name" name="name" required maxLength={120} defaultValue={policy?.name ?? ""} />
      <fieldset className="space-y-2 rounded border border-slate-200 p-3">
        <legend className="px-1 text-sm font-semibold">Users</legend>
        <label className="flex items-center gap-2 text-sm"><input type="radio" name="users" value="all" defaultChecked={includeAll} className="accent-blue-700" /> All users</label>
        <label className="flex items-center gap-2 text-sm"><input type="radio" name="users" value="groups" defaultChecked={!includeAll} className="accent-blue-700" /> Selected groups</label>
        <GroupCheckboxes legend="Include groups (when Selected groups)" name="includeGroupIds" groups={groups} checked={policy?.includeGroupIds ?? []} />
        <GroupCheckboxes legend="Exclude groups" name="excludeGroupIds" groups={groups} checked={policy?.excludeGroupIds ?? []} />
      </fieldset>
      <fieldset className="space-y-1 rounded border border-slate-200 p-3">
        <legend className="px-1 text-sm font-semibold">Target resources</legend>
        {CONDITIONAL_ACCESS_RESOURCES.map((resource) => (
          <CheckboxField key={resource} label={resource} name="resources" value={resource} defaultChecked={policy ? policy.resources.includes(resource) : false} />
        ))}
        {radiusClients.map((client) => (
          <CheckboxField key={client.value} label={client.label} name="resources" value={client.value} defaultChecked={policy ? (policy.resources as string[]).includes(client.value) : false} />
        ))}
      </fieldset>
      {/* One grant per policy: Entra refuses "Require multifactor authentication" together with "Require authentication strength". */}
      <SelectField label="Grant" name="grant" defaultValue={policy?.grant ?? "requireMfa"} options={POLICY_GRANTS.map((grant) => ({ value: grant, label: POLICY_GRANT_LABELS[grant] }))} />
      <SelectField
        label="Authentication strength (with Require authentication strength)"
        name="authenticationStrength"
        defaultValue={policy?.authenticationStrength ?? "phishingResistantMfa"}
        options={AUTHENTICATION_STRENGTHS.map((strength) => ({ value: strength, label: AUTHENTICATION_STRENGTH_LABELS[strength] }))}
      />
      <SelectField label="Enable policy" name="state" defaultValue={policy?.state ?? "reportOnly"} options={POLICY_STATES.map((state) => ({ value: state, label: POLICY_STATE_LABELS[state] }))} />
    </div>
  );
}
