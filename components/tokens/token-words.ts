// How token facts read in the console: statuses as words, dates in UTC (the clock offset
// wording is the domain's, lib/tokens/clock-offset.ts, as server actions answer with it too).
export { describeClockOffset } from "@/lib/tokens/clock-offset";

const STATUS_LABELS: Record<string, string> = {
  available: "Available",
  assigned: "Assigned",
  activated: "Activated",
  failedActivation: "Failed activation",
};

export function tokenStatusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** Dates in the console are UTC, to the minute, like the sign-in log. */
export function formatUtc(date: Date | null): string {
  return date ? `${date.toISOString().replace("T", " ").slice(0, 16)} UTC` : "Never";
}
