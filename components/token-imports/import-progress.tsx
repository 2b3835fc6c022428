"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

type Progress = { status: string; totalRows: number; processedRows: number; importedCount: number; alreadyPresentCount: number; failedCount: number };

/**
 * A progress bar for an import that runs in the background: polls its state every second and
 * refreshes the page (counts and failures) once it has finished.
 */
export function ImportProgress({ importId, initial }: { importId: string; initial: Progress }) {
  const router = useRouter();
  const [progress, setProgress] = useState(initial);
  useEffect(() => {
    let stopped = false;
    const timer = setInterval(async () => {
      const response = await fetch(`/api/token-imports/${importId}`, { cache: "no-store" }).catch(() => null);
      if (!response?.ok || stopped) return;
      const next = (await response.json()) as Progress;
      setProgress(next);
      if (next.status === "completed" || next.status === "failed") {
        clearInterval(timer);
        router.refresh();
      }
    }, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [importId, router]);
  const percent = progress.totalRows > 0 ? Math.floor((progress.processedRows / progress.totalRows) * 100) : 0;
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-3 w-full overflow-hidden rounded bg-slate-200"
      >
        <div className="h-full bg-blue-700 transition-all" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-sm text-slate-700" aria-live="polite">
        {progress.totalRows > 0 ? `${progress.processedRows.toLocaleString("en")} of ${progress.totalRows.toLocaleString("en")} rows (${percent}%)` : "Reading the file…"}
      </p>
    </div>
  );
}
