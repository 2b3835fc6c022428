import type { DatabaseOrTransaction } from "../db/client";

/** The admin console's front page: how many users and tokens, and the latest sign-ins. */
export async function getAdminOverview(options: { db: DatabaseOrTransaction }) {
  const { db } = options;
  const [userCount, tokensByStatus, recentSignIns] = await Promise.all([
    db.user.count(),
    db.hardwareToken.groupBy({ by: ["status"], _count: { _all: true } }),
    db.signIn.findMany({
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { id: true, createdAt: true, upn: true, resource: true, status: true, failureReason: true, ipAddress: true },
    }),
  ]);
  const tokenCounts: Record<string, number> = { available: 0, assigned: 0, activated: 0, failedActivation: 0 };
  for (const row of tokensByStatus) tokenCounts[row.status] = row._count._all;
  return { userCount, tokenCounts, recentSignIns };
}
