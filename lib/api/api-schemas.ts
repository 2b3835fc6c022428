import { z } from "zod";

/** `$top`: page size, 1–999 (Graph's maximum), default 100. */
export const topParam = z.coerce.number({ error: "$top must be a whole number from 1 to 999." }).int("$top must be a whole number from 1 to 999.").min(1, "$top must be at least 1.").max(999, "$top can be at most 999.").default(100).meta({ description: "Page size (1–999, default 100)" });
/** `$skiptoken`: the opaque cursor of @odata.nextLink. */
export const skipTokenParam = z.string().max(500, "$skiptoken is not one this API issued.").optional().meta({ description: "Opaque cursor from @odata.nextLink" });

export const pagingQuery = { $top: topParam, $skiptoken: skipTokenParam };

/** A page of a collection, as Graph answers: `value` and, when there is more, `@odata.nextLink`. */
export function collectionOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ "@odata.nextLink": z.string().optional().meta({ description: "The next page; absent on the last" }), value: z.array(item) });
}

/** An opaque cursor: base64url JSON of the last row's sort key. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(token: string | undefined, schema: z.ZodType<T>): T | null | "invalid" {
  if (token === undefined) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : "invalid";
  } catch {
    return "invalid";
  }
}

/** The next page's link: the same query with the new cursor. */
export function nextLink(options: { apiBaseUrl: string; path: string; query: Record<string, string | number | undefined>; cursor: string }): string {
  const url = new URL(`${options.apiBaseUrl}${options.path}`);
  for (const [key, value] of Object.entries(options.query)) if (value !== undefined && key !== "$skiptoken") url.searchParams.set(key, String(value));
  url.searchParams.set("$skiptoken", options.cursor);
  return url.toString();
}

/** An id in a path: not empty, no longer than any id this portal makes. */
export const idParam = (what: string) => z.string().min(1).max(200, `The ${what} id is too long.`).meta({ description: `The ${what}'s id` });

export const identitySchema = z.strictObject({ id: z.string(), displayName: z.string().nullable() });
