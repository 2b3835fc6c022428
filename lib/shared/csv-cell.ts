/**
 * One RFC 4180 cell, made inert for spreadsheets (S6): uploaded values such as `=HYPERLINK(…)`
 * would otherwise run as formulas when the admin opens the failures file.
 */
export function csvCell(value: string): string {
  const safe = startsLikeFormula(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function startsLikeFormula(value: string): boolean {
  // Tab and CR also start formula injection in some spreadsheets; leading spaces are skipped by
  // some of them, and full-width ＝＋－＠ are read as their ASCII forms by others.
  return /^[\t\r]/.test(value) || /^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/.test(value);
}
