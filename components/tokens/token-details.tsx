import { describeClockOffset, formatUtc, tokenStatusLabel } from "./token-words";

export type TokenDetailsView = {
  serialNumber: string;
  manufacturer: string;
  model: string;
  friendlyName: string | null;
  period: number;
  algorithm: string;
  digits: number;
  status: string;
  driftSteps: number;
  lastUsedAt: Date | null;
  activatedAt: Date | null;
  createdAt: Date;
  user: { upn: string; displayName: string } | null;
};

/** What an admin may know about a token: everything but its seed, which never leaves the server. */
export function TokenDetails({ token }: { token: TokenDetailsView }) {
  const facts: [string, string][] = [
    ["Serial number", token.serialNumber],
    ["Manufacturer", token.manufacturer],
    ["Model", token.model],
    ["Friendly name", token.friendlyName ?? "—"],
    ["Time interval", `${token.period} seconds`],
    ["Hash", token.algorithm],
    ["Digits", String(token.digits)],
    ["Status", tokenStatusLabel(token.status)],
    ["User", token.user ? `${token.user.displayName} (${token.user.upn})` : "Not assigned"],
    ["Clock offset", token.status === "activated" ? describeClockOffset(token.driftSteps, token.period) : "Measured at activation"],
    ["Last used", formatUtc(token.lastUsedAt)],
    ["Activated", token.activatedAt ? formatUtc(token.activatedAt) : "Not activated"],
    ["Added", formatUtc(token.createdAt)],
  ];
  return (
    <dl className="grid gap-x-6 gap-y-2 rounded border border-slate-200 bg-white p-4 sm:grid-cols-[12rem_1fr]" data-testid="token-details">
      {facts.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-sm text-slate-600">{term}</dt>
          <dd className="font-medium">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
