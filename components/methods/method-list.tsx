import type { SecurityInfoEntry } from "@/lib/methods/security-info";

/** The user's authentication methods, one row each, as Entra's Security info lists them. */
export function MethodList({ entries }: { entries: SecurityInfoEntry[] }) {
  return (
    <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white" aria-label="Sign-in methods">
      {entries.map((entry) => (
        <li key={entry.key} className="grid gap-1 px-4 py-3 sm:grid-cols-[12rem_1fr_1fr] sm:items-center">
          <span className="font-medium">{entry.type}</span>
          <span>{entry.label}</span>
          <span className="text-sm text-slate-600">
            {entry.detail}
            {entry.note ? <span className="block text-amber-800">{entry.note}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
