import type { SecurityInfoEntry } from "@/lib/methods/security-info";
import { ChangePasswordButton } from "./change-password-form";
import { DeleteMethodButton } from "./delete-method-button";

/** The user's authentication methods, one row each, as Entra's Security info lists them. */
export function MethodList({ entries, lastMfaMethodId, minPasswordLength }: { entries: SecurityInfoEntry[]; lastMfaMethodId: string | null; minPasswordLength: number }) {
  return (
    <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white" aria-label="Sign-in methods">
      {entries.map((entry) => (
        <li key={entry.key} className="grid gap-1 px-4 py-3 sm:grid-cols-[11rem_1fr_1fr_auto] sm:items-center sm:gap-3">
          <span className="font-medium">
            <MethodIcon type={entry.type} /> {entry.type}
          </span>
          <span className="break-words">{entry.label}</span>
          <span className="text-sm text-slate-600">
            {entry.detail}
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

/** A small decorative glyph per kind of method (the row's text names it). */
function MethodIcon({ type }: { type: SecurityInfoEntry["type"] }) {
  const glyph = type === "Password" ? "•••" : type === "Hardware token" ? "▣" : type === "Temporary Access Pass" ? "⧗" : type === "Email" ? "✉" : type === "Passkey" ? "⚿" : "▯";
  return <span aria-hidden="true" className="inline-block w-7 text-slate-500">{glyph}</span>;
}
