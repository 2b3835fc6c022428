// Next.js runs register() once when a server instance starts. Token imports cut off by a crash
// or a kill are resumed from here (any instance may pick them up; the claim makes it one).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startImportSweeper } = await import("./lib/tokens/import/import-sweeper");
  startImportSweeper();
}
