import { LOG_EXPORT_LIMIT } from "@/lib/shared/search-params";

/** The two download links of a log: the filtered set as CSV and as JSON (newest LOG_EXPORT_LIMIT). */
export function LogExportLinks({ exportPath, queryString, total }: { exportPath: string; queryString: string; total: number }) {
  const href = (format: string) => `${exportPath}?${queryString ? `${queryString}&` : ""}format=${format}`;
  return (
    <div className="flex flex-wrap items-baseline gap-4 text-sm">
      <a href={href("csv")} download className="text-blue-700 hover:underline">Download CSV</a>
      <a href={href("json")} download className="text-blue-700 hover:underline">Download JSON</a>
      {total > LOG_EXPORT_LIMIT ? (
        <p className="text-slate-700">A download holds the newest {LOG_EXPORT_LIMIT.toLocaleString("en")} of these {total.toLocaleString("en")}; narrow the filters for the rest.</p>
      ) : null}
    </div>
  );
}
