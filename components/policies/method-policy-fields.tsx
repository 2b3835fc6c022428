import { CheckboxField } from "@/components/ui/checkbox-field";
import { TextField } from "@/components/ui/text-field";
import { POLICY_METHOD_LABELS, type MethodPolicy } from "@/lib/policies/method-policy-model";
import { certificateSubject } from "@/lib/policies/passkey-policy-model";
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
      {policy.method === "passkey" ? <PasskeySettingsFields policy={policy as MethodPolicy<"passkey">} /> : null}
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

/** Entra's Passkey (FIDO2) settings: self-service setup, attestation against uploaded roots, key restrictions by AAGUID. */
function PasskeySettingsFields({ policy }: { policy: MethodPolicy<"passkey"> }) {
  const s = policy.settings;
  return (
    <div className="space-y-3">
      <CheckboxField label="Allow self-service setup (people add passkeys in Security info)" name="allowSelfServiceSetup" id="passkey-self" defaultChecked={s.allowSelfServiceSetup} />
      <CheckboxField label="Enforce attestation (only keys whose certificate chains to an uploaded root)" name="enforceAttestation" id="passkey-attestation" defaultChecked={s.enforceAttestation} />
      <div className="space-y-1 text-sm">
        <p className="font-medium text-slate-800">Attestation root certificates</p>
        {s.rootCertificates.length ? (
          <ul className="list-disc pl-5" aria-label="Uploaded root certificates">
            {s.rootCertificates.map((pem, index) => <li key={index}>{certificateSubject(pem)}</li>)}
          </ul>
        ) : <p className="text-slate-600">None uploaded.</p>}
        <label className="block">
          <span className="block font-medium text-slate-800">Upload root certificates (PEM file; replaces the list)</span>
          <input type="file" name="rootCertificatesFile" accept=".pem,.crt,.cer,application/x-pem-file" className="mt-1 block text-sm" />
        </label>
        {s.rootCertificates.length ? <CheckboxField label="Remove the uploaded root certificates" name="removeRootCertificates" id="passkey-remove-roots" /> : null}
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-800">Key restrictions</legend>
        {(["none", "allow", "block"] as const).map((mode) => (
          <label key={mode} className="flex items-center gap-2 text-sm">
            <input type="radio" name="keyRestrictions" value={mode} defaultChecked={s.keyRestrictions === mode} className="accent-blue-700" />
            {mode === "none" ? "No restrictions" : mode === "allow" ? "Allow only the listed AAGUIDs" : "Block the listed AAGUIDs"}
          </label>
        ))}
      </fieldset>
      <label className="block text-sm">
        <span className="block font-medium text-slate-800">AAGUIDs (one per line)</span>
        <textarea name="aaguids" rows={3} defaultValue={s.aaguids.join("\n")} className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 font-mono text-sm" />
      </label>
    </div>
  );
}
