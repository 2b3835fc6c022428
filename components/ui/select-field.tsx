import type { SelectHTMLAttributes } from "react";

export type SelectOption = { value: string; label: string };

/** A labelled drop-down, styled like TextField. */
export function SelectField({ label, name, options, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { label: string; name: string; options: SelectOption[] }) {
  return (
    <div className="space-y-1">
      <label htmlFor={props.id ?? name} className="block text-sm font-medium text-slate-800">{label}</label>
      <select
        id={props.id ?? name}
        name={name}
        className="block w-full rounded border border-slate-400 bg-white px-3 py-2 text-base focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-600"
        {...props}
      >
        {options.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
      </select>
    </div>
  );
}
