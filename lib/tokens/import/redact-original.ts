/**
 * A failed row's original cells without its secret: the failures file goes back to an admin's
 * desktop, and a seed never leaves the server after upload (S4).
 */
export function redactOriginal(original: Record<string, string>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [column, value] of Object.entries(original)) {
    copy[column] = /secret|key\s*value|seed/i.test(column) && value ? "(not shown)" : value;
  }
  return copy;
}
