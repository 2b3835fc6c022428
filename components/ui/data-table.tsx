import type { ReactNode } from "react";

/** One column of a DataTable: its name, how a row's cell reads, and how it shows on a phone. */
export type DataColumn<Row> = {
  /** the header, and the field's label on a phone's card */
  label: string;
  /** what the header shows instead of the label (a sort link); the card still uses `label` */
  header?: ReactNode;
  /** the header is for screen readers only (e.g. "Actions") */
  labelHidden?: boolean;
  cell: (row: Row) => ReactNode;
  /**
   * On a phone each row is a card: "title" is its first line (no label), "field" a labelled line,
   * "plain" a line without a label (buttons), "hidden" left off the card (a detail the row's page has).
   */
  phone?: "title" | "field" | "plain" | "hidden";
  /** keeps the cell on one line (statuses, IP addresses, serial numbers) */
  nowrap?: boolean;
  /** extra classes for the column's cells, e.g. a minimum width or a monospace font */
  className?: string;
  /** marks the column the rows are sorted by */
  sort?: "ascending" | "descending";
};

const PHONE_CELL: Record<NonNullable<DataColumn<unknown>["phone"]>, string> = {
  // The label comes from data-label through ::before, so the cell's own text stays what it is.
  field: "max-md:grid max-md:grid-cols-[7.5rem_minmax(0,1fr)] max-md:gap-x-3 max-md:before:font-sans max-md:before:font-medium max-md:before:text-slate-600 max-md:before:content-[attr(data-label)]",
  title: "max-md:block max-md:pb-1 max-md:text-base max-md:font-semibold",
  plain: "max-md:block max-md:pt-2",
  hidden: "max-md:hidden",
};

/**
 * The one table of every list in the portal. On wide screens a table whose cells wrap rather than
 * push it sideways; below the md breakpoint each row becomes a card with the columns that matter
 * on a phone, each labelled (one DOM either way, so the table keeps its semantics).
 */
export function DataTable<Row>({ caption, columns, rows, rowKey, rowCurrent, compact = false, framed = true }: {
  /** what the table lists, for screen readers */
  caption: string;
  columns: DataColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string;
  /** the row that is open (highlighted, aria-current) */
  rowCurrent?: (row: Row) => boolean;
  /** smaller padding, for tables inside a panel */
  compact?: boolean;
  /** a border and white background (off inside a panel that has them) */
  framed?: boolean;
}) {
  const pad = compact ? "px-2 py-1" : "px-2.5 py-2";
  return (
    <div className={`overflow-x-auto ${framed ? "rounded border border-slate-200 bg-white max-md:border-0 max-md:bg-transparent" : ""}`}>
      <table className="w-full text-left text-sm max-md:block">
        <caption className="sr-only">{caption}</caption>
        <thead className={`${framed ? "bg-slate-100" : ""} max-md:hidden`}>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" aria-sort={column.sort} className={`${pad} align-bottom font-semibold ${column.nowrap ? "whitespace-nowrap" : ""}`}>
                {column.labelHidden ? <span className="sr-only">{column.label}</span> : (column.header ?? column.label)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="max-md:block max-md:space-y-3">
          {rows.map((row, index) => {
            const current = rowCurrent?.(row) ?? false;
            return (
              <tr
                key={rowKey(row, index)}
                aria-current={current ? "true" : undefined}
                className={`border-t border-slate-200 align-top max-md:block max-md:rounded max-md:border max-md:bg-white max-md:p-3 ${current ? "bg-blue-50 max-md:bg-blue-50" : ""}`}
              >
                {columns.map((column) => (
                  <td
                    key={column.label}
                    data-label={column.label}
                    className={`${pad} max-md:px-0 max-md:py-0.5 ${column.nowrap ? "md:whitespace-nowrap" : ""} ${PHONE_CELL[column.phone ?? "field"]} ${column.className ?? ""}`}
                  >
                    {/* One wrapper, so a card's line is two grid cells: the label and the value. */}
                    <div className="min-w-0 max-md:[overflow-wrap:anywhere]">{column.cell(row)}</div>
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
