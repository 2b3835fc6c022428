import type { InputHTMLAttributes } from "react";

/** A labelled input whose errors are tied to it for screen readers. */
export function TextField({ label, name, errors, hint, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; errors?: string[]; hint?: string }) {
  const errorId = `${name}-error`;
  const hintId = `${name}-hint`;
  return (
    <div className="space-y-1">
      <label htmlFor={props.id ?? name} className="block text-sm font-medium text-slate-800">{label}</label>
      {hint ? <p id={hintId} className="text-xs text-slate-600">{hint}</p> : null}
      <input
        id={props.id ?? name}
        name={name}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={[errors?.length ? errorId : "", hint ? hintId : ""].filter(Boolean).join(" ") || undefined}
        className="block w-full rounded border border-slate-400 px-3 py-2 text-base focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-600"
        {...props}
      />
      <div id={errorId} aria-live="polite" className="text-sm text-red-700">{errors?.join(" ")}</div>
    </div>
  );
}
