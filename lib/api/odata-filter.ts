import { apiErrors } from "./graph-error";

/** One condition of a `$filter`: `<property> eq '<value>'`, `startswith(<property>,'<value>')` or `<property> ge|le <value>`. */
export type FilterCondition = { property: string; operator: "eq" | "startswith" | "ge" | "le"; value: string };

const QUOTED = "'((?:[^']|'')*)'";
const CONDITION = new RegExp(`^(?:([\\w/]+)\\s+(eq|ge|le)\\s+(?:${QUOTED}|([\\w:.+-]+))|startswith\\(\\s*([\\w/]+)\\s*,\\s*${QUOTED}\\s*\\))$`, "i");

/**
 * Parses the small part of OData's `$filter` the API supports: conditions joined by `and`, each
 * an `eq`, `ge`/`le` or `startswith` on one of `allowed` properties. Anything else is a 400 that
 * says what is supported — never silently ignored.
 */
export function parseODataFilter(filter: string | undefined, allowed: Record<string, readonly FilterCondition["operator"][]>): FilterCondition[] {
  if (filter === undefined || filter.trim() === "") return [];
  const supported = Object.entries(allowed).map(([p, ops]) => `${p} (${ops.join(", ")})`).join("; ");
  const conditions: FilterCondition[] = [];
  for (const part of filter.trim().split(/\s+and\s+/i)) {
    const match = CONDITION.exec(part.trim());
    if (!match) throw apiErrors.badRequest(`Unsupported $filter "${part.trim()}". Supported: ${supported}, joined with "and"; quote strings ('value').`);
    const condition: FilterCondition = match[5]
      ? { property: match[5], operator: "startswith", value: match[6].replace(/''/g, "'") }
      : { property: match[1], operator: match[2].toLowerCase() as "eq" | "ge" | "le", value: (match[3] ?? match[4]).replace(/''/g, "'") };
    if (!allowed[condition.property]?.includes(condition.operator)) throw apiErrors.badRequest(`$filter can't use ${condition.operator} on ${condition.property}. Supported: ${supported}.`);
    conditions.push(condition);
  }
  return conditions;
}
