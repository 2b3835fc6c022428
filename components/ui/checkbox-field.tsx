import type { InputHTMLAttributes } from "react";

/** A labelled checkbox (the label is clickable and names the box for screen readers). */
export function CheckboxField({ label, name, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; name: string }) {
  return (
    <label className="flex items-start gap-2 text-sm text-slate-800">
      <input type="checkbox" name={name} className="mt-0.5 h-4 w-4 shrink-0 accent-blue-700" {...props} />
      <span>{label}</span>
    </label>
  );
}
