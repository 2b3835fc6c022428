import { CheckboxField } from "@/components/ui/checkbox-field";

export type GroupChoice = { id: string; name: string };

/** A fieldset of group checkboxes sending the chosen ids under one repeated field name. */
export function GroupCheckboxes({ legend, name, groups, checked }: { legend: string; name: string; groups: GroupChoice[]; checked: readonly string[] }) {
  return (
    <fieldset className="space-y-1">
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      {groups.length === 0 ? <p className="text-sm text-slate-600">No groups yet: create them under Groups.</p> : null}
      {groups.map((group) => (
        <CheckboxField key={group.id} label={group.name} name={name} value={group.id} defaultChecked={checked.includes(group.id)} />
      ))}
    </fieldset>
  );
}
