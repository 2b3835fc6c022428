import type { SecurityInfoEntry } from "@/lib/methods/security-info";
import { ChangePasswordButton } from "./change-password-form";
import { DeleteMethodButton } from "./delete-method-button";
import { Breakable } from "@/components/ui/breakable";
import { LocalTime } from "@/components/ui/local-time";
import { MethodIcon } from "./method-icon";

/** The user's authentication methods, one row each, as Entra's Security info lists them. */
export function MethodList({ entries, lastMfaMethodId, minPasswordLength }: { entries: SecurityInfoEntry[]; lastMfaMethodId: string | null; minPasswordLength: number }) {
  return (
    // One grid for the whole list (each row a subgrid), so the columns line up from row to row.
    <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white sm:grid sm:grid-cols-[auto_minmax(0,1fr)_minmax(0,1fr)_auto]" aria-label="Sign-in methods">
      {entries.map((entry) => (
        <li key={entry.key} className="grid gap-1 px-4 py-3 sm:col-span-4 sm:grid-cols-subgrid sm:items-center sm:gap-x-6">
          <span className="flex items-center gap-2 whitespace-nowrap font-medium" data-testid="method-type">
            <MethodIcon type={entry.type} /> {entry.type}
          </span>
          <span className="min-w-0 [overflow-wrap:anywhere]"><Breakable text={entry.label} /></span>
          <span className="text-sm text-slate-600">
            <EntryDetail entry={entry} />
            {entry.note ? <span className="block text-amber-800">{entry.note}</span> : null}
          </span>
          <span className="sm:text-right">
            {entry.type === "Password" ? <ChangePasswordButton minLength={minPasswordLength} /> : null}
            {entry.methodId ? (
              <DeleteMethodButton methodId={entry.methodId} description={entry.description} isLastMfaMethod={entry.methodId === lastMfaMethodId} />
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** "Valid from <time> until <time> · one-time use": the times in the user's own zone, then the detail. */
function EntryDetail({ entry }: { entry: SecurityInfoEntry }) {
  return (
    <>
      {entry.times?.map((time, index) => (
        <span key={time.label}>
          {index > 0 ? " " : ""}{time.label} <LocalTime iso={time.at.toISOString()} dateOnly={time.dateOnly} />
        </span>
      ))}
      {entry.times?.length && entry.detail ? " · " : ""}
      {entry.detail}
    </>
  );
}
