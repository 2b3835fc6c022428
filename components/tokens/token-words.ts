// How token facts read in the console: statuses as words, a clock offset in steps and time.

const STATUS_LABELS: Record<string, string> = {
  available: "Available",
  assigned: "Assigned",
  activated: "Activated",
  failedActivation: "Failed activation",
};

export function tokenStatusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** "2 steps (60 s) ahead", "40 steps (1200 s, about 20 min) behind", "in step with the server's clock". */
export function describeClockOffset(driftSteps: number, period: number): string {
  if (driftSteps === 0) return "in step with the server's clock";
  const steps = Math.abs(driftSteps);
  const seconds = steps * period;
  const about = seconds < 120 ? "" : seconds < 7200 ? `, about ${Math.round(seconds / 60)} min` : `, about ${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${steps} ${steps === 1 ? "step" : "steps"} (${seconds} s${about}) ${driftSteps > 0 ? "ahead" : "behind"}`;
}

/** Dates in the console are UTC, to the minute, like the sign-in log. */
export function formatUtc(date: Date | null): string {
  return date ? `${date.toISOString().replace("T", " ").slice(0, 16)} UTC` : "Never";
}
