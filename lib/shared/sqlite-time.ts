/** Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit offset; raw SQL writes the same. */
export function sqliteTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}
