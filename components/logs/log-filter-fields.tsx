import Link from "next/link";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { LOG_PAGE_SIZES } from "@/lib/shared/search-params";

/** The fields both logs share: the date range (whole UTC days) and the page size. */
export function LogDateAndPageSizeFields({ from, to, pageSize }: { from?: string; to?: string; pageSize?: number }) {
  return (
    <>
      <TextField label="From (UTC)" name="from" type="date" defaultValue={from ?? ""} />
      <TextField label="To (UTC)" name="to" type="date" defaultValue={to ?? ""} />
      <SelectField label="Per page" name="pageSize" defaultValue={String(pageSize ?? LOG_PAGE_SIZES[0])} options={LOG_PAGE_SIZES.map((size) => ({ value: String(size), label: String(size) }))} />
    </>
  );
}

export function LogFilterActions({ clearHref, className }: { clearHref: string; className: string }) {
  return (
    <div className={`flex items-end gap-3 ${className}`}>
      <Button type="submit">Apply filters</Button>
      <Link href={clearHref} className="px-2 py-2 text-sm text-blue-700 hover:underline">Clear filters</Link>
    </div>
  );
}
