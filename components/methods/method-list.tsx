import type { SecurityInfoEntry } from "@/lib/methods/security-info";
import { ChangePasswordButton } from "./change-password-form";
import { DeleteMethodButton } from "./delete-method-button";
import { LocalTime } from "@/components/ui/local-time";
import { MethodIcon } from "./method-icon";

/** The user's authentication methods, one row each, as Entra's Security info lists them. */
export function MethodList({ entries, lastMfaMethodId, minPasswordLength }: { entries: SecurityInfoEntry[]; lastMfaMethodId: string | null; minPasswordLength: number }) {
  return (
    <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white" aria-label="Sign-in methods">
      {entries.map((entry) => (
        <li key={entry.key} className="grid gap-1 px-4 py-3 sm:grid-cols-[14.5rem_1fr_1fr_auto] sm:items-center sm:gap-3">
          <span className="flex items-center gap-2 whitespace-nowrap font-medium" data-testid="method-type">
            <MethodIcon type={entry.type} /> {entry.type}
          </span>
          <span className="break-words">{entry.label}</span>
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
