// A token's measured clock offset in words, for the console's details and the answers of the
// activate and resync actions.

/** "2 steps (60 s) ahead", "40 steps (1200 s, about 20 min) behind", "in step with the server's clock". */
export function describeClockOffset(driftSteps: number, period: number): string {
  if (driftSteps === 0) return "in step with the server's clock";
  const steps = Math.abs(driftSteps);
  const seconds = steps * period;
  const about = seconds < 120 ? "" : seconds < 7200 ? `, about ${Math.round(seconds / 60)} min` : `, about ${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${steps} ${steps === 1 ? "step" : "steps"} (${seconds} s${about}) ${driftSteps > 0 ? "ahead" : "behind"}`;
}
