import Link from "next/link";

/** "Sign-ins 26–50 of 1,234" with first/previous/next/last links built by `href`. */
export function Pagination({ noun, label, page, pageCount, pageSize, total, href }: {
  noun: string;
  label: string;
  page: number;
  pageCount: number;
  pageSize: number;
  total: number;
  href: (page: number) => string;
}) {
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const link = (text: string, target: number, enabled: boolean) =>
    enabled ? (
      <Link href={href(target)} className="rounded border border-slate-300 bg-white px-3 py-1 text-blue-800 hover:bg-slate-50">{text}</Link>
    ) : (
      <span aria-disabled="true" className="rounded border border-slate-200 px-3 py-1 text-slate-400">{text}</span>
    );
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p>
        {noun} {from.toLocaleString("en")}–{to.toLocaleString("en")} of {total.toLocaleString("en")} · page {page} of {pageCount}
      </p>
      <div className="flex gap-2">
        {link("First", 1, page > 1)}
        {link("Previous", page - 1, page > 1)}
        {link("Next", page + 1, page < pageCount)}
        {link("Last", pageCount, page < pageCount)}
      </div>
    </nav>
  );
}
