import Link from "next/link";
import { Button } from "@/components/ui/button";
import { SelectField, type SelectOption } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { TOKEN_PAGE_SIZES, TOKEN_STATUSES, type HardwareTokenQuery } from "@/lib/tokens/list-hardware-tokens";
import { tokenStatusLabel } from "./token-words";

const SORT_OPTIONS: SelectOption[] = [
  { value: "serial", label: "Serial number" },
  { value: "user", label: "User" },
  { value: "status", label: "Status" },
  { value: "lastUsed", label: "Last used" },
  { value: "manufacturer", label: "Manufacturer and model" },
  { value: "created", label: "Date added" },
];

const any = (label: string, values: string[]): SelectOption[] => [{ value: "", label }, ...values.map((value) => ({ value, label: value }))];

/**
 * Search and filters as a plain GET form: works without JavaScript, and the result is a URL
 * that can be bookmarked or sent to a colleague.
 */
export function TokenListFilters({ query, manufacturers, models }: { query: HardwareTokenQuery; manufacturers: string[]; models: string[] }) {
  return (
    <form method="get" action="/admin/tokens" role="search" aria-label="Search hardware tokens" className="grid gap-3 rounded border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
      <div className="sm:col-span-2">
        <TextField label="Serial number or UPN" name="search" type="search" defaultValue={query.search ?? ""} placeholder="e.g. FT2024 or alice@contoso.example" />
      </div>
      <SelectField label="Status" name="status" defaultValue={query.status ?? ""} options={[{ value: "", label: "Any status" }, ...TOKEN_STATUSES.map((status) => ({ value: status, label: tokenStatusLabel(status) }))]} />
      <SelectField label="Manufacturer" name="manufacturer" defaultValue={query.manufacturer ?? ""} options={any("Any manufacturer", manufacturers)} />
      <SelectField label="Model" name="model" defaultValue={query.model ?? ""} options={any("Any model", models)} />
      <SelectField label="Sort by" name="sort" defaultValue={query.sort ?? "serial"} options={SORT_OPTIONS} />
      <SelectField label="Order" name="direction" defaultValue={query.direction ?? "asc"} options={[{ value: "asc", label: "Ascending" }, { value: "desc", label: "Descending" }]} />
      <SelectField label="Per page" name="pageSize" defaultValue={String(query.pageSize ?? TOKEN_PAGE_SIZES[0])} options={TOKEN_PAGE_SIZES.map((size) => ({ value: String(size), label: String(size) }))} />
      <div className="flex items-end gap-3 sm:col-span-2 lg:col-span-4">
        <Button type="submit">Search</Button>
        <Link href="/admin/tokens" className="px-2 py-2 text-sm text-blue-700 hover:underline">Clear filters</Link>
      </div>
    </form>
  );
}
