/**
 * Runs a conditional single-row `update` (`where: { id, <condition> }`) and says whether the row
 * matched. Prisma sends `update` as one `UPDATE … RETURNING` statement, while `updateMany` gets a
 * transaction of its own (BEGIN, UPDATE, COMMIT) — three round trips for the same atomic write on
 * the hot paths of code verification. A row the condition excludes is Prisma's P2025, not a
 * database error, so it doesn't abort a surrounding PostgreSQL transaction.
 */
export async function updateIfMatches(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === "P2025") return false;
    throw error;
  }
}
