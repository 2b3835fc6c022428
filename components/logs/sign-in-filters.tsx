import Link from "next/link";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { LOG_PAGE_SIZES } from "@/lib/audit/log-filters";
import { SIGN_IN_RESOURCES, SIGN_IN_STATUSES, type SignInLogQuery } from "@/lib/signin/sign-in-log-query";
import { signInStatusLabel } from "./log-words";

/** The sign-in log's filters as a plain GET form: the result is a URL to bookmark or share. */
export function SignInFilters({ query }: { query: SignInLogQuery }) {
  return (
    <form method="get" action="/admin/sign-ins" role="search" aria-label="Filter sign-ins" className="grid gap-3 rounded border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3">
      <TextField label="User" name="user" type="search" defaultValue={query.user ?? ""} placeholder="UPN, e.g. alice@contoso.example" />
      <TextField label="From (UTC)" name="from" type="date" defaultValue={query.from ?? ""} />
      <TextField label="To (UTC)" name="to" type="date" defaultValue={query.to ?? ""} />
      <SelectField label="Status" name="status" defaultValue={query.status ?? ""} options={[{ value: "", label: "Any status" }, ...SIGN_IN_STATUSES.map((s) => ({ value: s, label: signInStatusLabel(s) }))]} />
      <SelectField label="Resource" name="resource" defaultValue={query.resource ?? ""} options={[{ value: "", label: "Any resource" }, ...SIGN_IN_RESOURCES.map((r) => ({ value: r, label: r }))]} />
      <SelectField label="Per page" name="pageSize" defaultValue={String(query.pageSize ?? LOG_PAGE_SIZES[0])} options={LOG_PAGE_SIZES.map((size) => ({ value: String(size), label: String(size) }))} />
      <div className="flex items-end gap-3 sm:col-span-2 lg:col-span-3">
        <Button type="submit">Apply filters</Button>
        <Link href="/admin/sign-ins" className="px-2 py-2 text-sm text-blue-700 hover:underline">Clear filters</Link>
      </div>
    </form>
  );
}
