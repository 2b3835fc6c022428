import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { SIGN_IN_RESOURCES, SIGN_IN_STATUSES, type SignInLogQuery } from "@/lib/signin/sign-in-log-query";
import { LogDateAndPageSizeFields, LogFilterActions } from "./log-filter-fields";
import { signInStatusLabel } from "./log-words";

/** The sign-in log's filters as a plain GET form: the result is a URL to bookmark or share. */
export function SignInFilters({ query, applications = [] }: { query: SignInLogQuery; /** registered applications: client id and name */ applications?: { clientId: string; name: string }[] }) {
  return (
    <form method="get" action="/admin/sign-ins" role="search" aria-label="Filter sign-ins" className="grid gap-3 rounded border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3">
      <TextField label="User" name="user" type="search" defaultValue={query.user ?? ""} placeholder="UPN, e.g. alice@contoso.example" />
      <SelectField label="Status" name="status" defaultValue={query.status ?? ""} options={[{ value: "", label: "Any status" }, ...SIGN_IN_STATUSES.map((s) => ({ value: s, label: signInStatusLabel(s) }))]} />
      <SelectField label="Resource" name="resource" defaultValue={query.resource ?? ""} options={[{ value: "", label: "Any resource" }, ...SIGN_IN_RESOURCES.map((r) => ({ value: r, label: r }))]} />
      <SelectField label="Application" name="application" defaultValue={query.application ?? ""} options={[{ value: "", label: "Any application" }, ...applications.map((app) => ({ value: app.clientId, label: app.name }))]} />
      <LogDateAndPageSizeFields from={query.from} to={query.to} pageSize={query.pageSize} />
      <LogFilterActions clearHref="/admin/sign-ins" className="sm:col-span-2 lg:col-span-3" />
    </form>
  );
}
