/** The form-level message, announced to screen readers when it changes. */
export function FormMessage({ error, success }: { error?: string; success?: string }) {
  return (
    <div aria-live="polite" role="status">
      {error ? <p className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p> : null}
      {success ? <p className="rounded border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-800">{success}</p> : null}
    </div>
  );
}
