/** The two download links of a log: the filtered set as CSV and as JSON. */
export function LogExportLinks({ exportPath, queryString }: { exportPath: string; queryString: string }) {
  const href = (format: string) => `${exportPath}?${queryString ? `${queryString}&` : ""}format=${format}`;
  return (
    <p className="flex gap-4 text-sm">
      <a href={href("csv")} download className="text-blue-700 hover:underline">Download CSV</a>
      <a href={href("json")} download className="text-blue-700 hover:underline">Download JSON</a>
    </p>
  );
}
