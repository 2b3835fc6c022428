import type { DatabaseOrTransaction } from "../db/client";
import { listMfaMethods } from "./authentication-methods";

export type SecurityInfoEntry = {
  key: string;
  type: "Password" | "Hardware token" | "Authenticator app";
  label: string;
  detail: string;
  /** e.g. "Not activated yet" for a token handed out but not activated */
  note?: string;
};

/** Everything the user's Security info page shows, from the user's own rows only. */
export async function getSecurityInfo(options: { db: DatabaseOrTransaction; userId: string }) {
  const { db, userId } = options;
  const [user, { methods, defaultMethod }, waitingTokens] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordChangedAt: true } }),
    listMfaMethods({ db, userId }),
    db.hardwareToken.findMany({
      where: { userId, status: { in: ["assigned", "failedActivation"] } },
      select: { id: true, serialNumber: true, manufacturer: true, model: true },
    }),
  ]);
  const entries: SecurityInfoEntry[] = [
    { key: "password", type: "Password", label: "Password", detail: `Last updated ${user.passwordChangedAt.toISOString().slice(0, 10)}` },
    ...methods.map((method) => ({ key: method.methodId, type: method.type, label: method.label, detail: method.detail })),
    ...waitingTokens.map((token) => ({
      key: `hardwareToken:${token.id}`,
      type: "Hardware token" as const,
      label: `${token.manufacturer} ${token.model}`,
      detail: `Serial number ${token.serialNumber}`,
      note: "Not activated yet: activate it with the code it shows",
    })),
  ];
  return {
    entries,
    defaultMethod: defaultMethod ? `${defaultMethod.type} – code (${defaultMethod.type === "Hardware token" ? defaultMethod.detail.replace("Serial number ", "") : defaultMethod.label})` : null,
  };
}
