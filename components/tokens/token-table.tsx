import Link from "next/link";
import { Breakable } from "@/components/ui/breakable";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { UtcTime } from "@/components/ui/utc-time";
import type { HardwareTokenQuery, HardwareTokenRow, TokenSortKey } from "@/lib/tokens/list-hardware-tokens";
import { sortHref } from "./token-list-query";
import { tokenStatusLabel } from "./token-words";

type TokenColumn = Omit<DataColumn<HardwareTokenRow>, "header" | "sort"> & { sortKey?: TokenSortKey };

const COLUMNS: TokenColumn[] = [
  {
    label: "Serial number",
    sortKey: "serial",
    phone: "title",
    nowrap: true,
    className: "font-mono",
    cell: (token) => <Link href={`/admin/tokens/${token.id}`} className="text-blue-700 hover:underline">{token.serialNumber}</Link>,
  },
  {
    label: "User",
    sortKey: "user",
    className: "md:min-w-36",
    cell: (token) => (token.user ? <span title={token.user.displayName}><Breakable text={token.user.upn} /></span> : <span className="text-slate-500">—</span>),
  },
  { label: "Manufacturer", sortKey: "manufacturer", cell: (token) => token.manufacturer },
  { label: "Model", cell: (token) => token.model },
  { label: "Interval", nowrap: true, phone: "hidden", cell: (token) => `${token.period} s` },
  { label: "Hash", phone: "hidden", cell: (token) => token.algorithm },
  { label: "Digits", phone: "hidden", cell: (token) => token.digits },
  { label: "Status", sortKey: "status", nowrap: true, cell: (token) => tokenStatusLabel(token.status) },
  { label: "Last used", sortKey: "lastUsed", cell: (token) => (token.lastUsedAt ? <UtcTime date={token.lastUsedAt} precision="minute" /> : "Never") },
];

/** One page of the token list; headers are links that sort (server-side) by their column. */
export function TokenTable({ rows, query }: { rows: HardwareTokenRow[]; query: HardwareTokenQuery }) {
  const sort = query.sort ?? "serial";
  const direction = query.direction ?? "asc";
  const sortLabel = COLUMNS.find((column) => column.sortKey === sort)?.label ?? "Date added";
  const columns = COLUMNS.map(({ sortKey, ...column }): DataColumn<HardwareTokenRow> => {
    if (!sortKey) return column;
    const sorted = sortKey === sort;
    return {
      ...column,
      sort: sorted ? (direction === "asc" ? "ascending" : "descending") : undefined,
      header: (
        <Link href={sortHref(query, sortKey)} className="text-blue-800 hover:underline">
          {column.label}
          {sorted ? <span aria-hidden="true">{direction === "asc" ? " ▲" : " ▼"}</span> : null}
        </Link>
      ),
    };
  });
  return (
    <DataTable
      caption={`Hardware tokens, sorted by ${sortLabel} ${direction === "asc" ? "ascending" : "descending"}`}
      rows={rows}
      rowKey={(token) => token.id}
      columns={columns}
    />
  );
}
