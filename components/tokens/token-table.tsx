import Link from "next/link";
import type { HardwareTokenQuery, HardwareTokenRow, TokenSortKey } from "@/lib/tokens/list-hardware-tokens";
import { sortHref } from "./token-list-query";
import { formatUtc, tokenStatusLabel } from "./token-words";

const COLUMNS: { label: string; sort?: TokenSortKey }[] = [
  { label: "Serial number", sort: "serial" },
  { label: "User", sort: "user" },
  { label: "Manufacturer", sort: "manufacturer" },
  { label: "Model" },
  { label: "Interval" },
  { label: "Hash" },
  { label: "Digits" },
  { label: "Status", sort: "status" },
  { label: "Last used", sort: "lastUsed" },
];

/** One page of the token list; headers are links that sort (server-side) by their column. */
export function TokenTable({ rows, query }: { rows: HardwareTokenRow[]; query: HardwareTokenQuery }) {
  const sort = query.sort ?? "serial";
  const direction = query.direction ?? "asc";
  const sortLabel = COLUMNS.find((column) => column.sort === sort)?.label ?? "Date added";
  return (
    // Horizontal scroll on narrow screens: nine columns never fit a phone.
    <div className="overflow-x-auto rounded border border-slate-200">
      <table className="min-w-full bg-white text-sm">
        <caption className="sr-only">Hardware tokens, sorted by {sortLabel} {direction === "asc" ? "ascending" : "descending"}</caption>
        <thead className="bg-slate-100 text-left">
          <tr>
            {COLUMNS.map((column) => {
              const sorted = column.sort === sort;
              return (
                <th key={column.label} scope="col" className="whitespace-nowrap px-3 py-2" aria-sort={sorted ? (direction === "asc" ? "ascending" : "descending") : undefined}>
                  {column.sort ? (
                    <Link href={sortHref(query, column.sort)} className="text-blue-800 hover:underline">
                      {column.label}
                      {sorted ? <span aria-hidden="true">{direction === "asc" ? " ▲" : " ▼"}</span> : null}
                    </Link>
                  ) : (
                    column.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((token) => (
            <tr key={token.id} className="border-t border-slate-200">
              <td className="whitespace-nowrap px-3 py-2 font-mono">
                <Link href={`/admin/tokens/${token.id}`} className="text-blue-700 hover:underline">{token.serialNumber}</Link>
              </td>
              <td className="px-3 py-2">{token.user ? <span title={token.user.displayName}>{token.user.upn}</span> : <span className="text-slate-500">—</span>}</td>
              <td className="px-3 py-2">{token.manufacturer}</td>
              <td className="px-3 py-2">{token.model}</td>
              <td className="whitespace-nowrap px-3 py-2">{token.period} s</td>
              <td className="px-3 py-2">{token.algorithm}</td>
              <td className="px-3 py-2">{token.digits}</td>
              <td className="whitespace-nowrap px-3 py-2">{tokenStatusLabel(token.status)}</td>
              <td className="whitespace-nowrap px-3 py-2">{formatUtc(token.lastUsedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
