const LABELS: Record<string, string> = { queued: "Waiting to start", running: "Importing", completed: "Completed", failed: "Refused", receiving: "Receiving" };

export function uploadStatusLabel(status: string): string {
  return LABELS[status] ?? status;
}
