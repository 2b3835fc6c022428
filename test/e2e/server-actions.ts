import fs from "node:fs";
import path from "node:path";

// How the e2e specs call server actions over plain HTTP, as Next.js 16's client does: a POST to
// a page that uses the action, with a `Next-Action: <id>` header and the arguments encoded by
// React's encodeReply (multipart when a FormData is among them). Ids come from the production
// build's server-reference manifest, so every action of the build is known, new ones included.

const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.node") as { encodeReply: (value: unknown) => Promise<string | FormData> };

export type ServerAction = { id: string; name: string; file: string; url: string };

type ManifestEntry = { workers: Record<string, unknown>; filename: string; exportedName: string };

/** "app/admin/tokens/[tokenId]/page" → "/admin/tokens/no-such-record"; route groups vanish. */
function pageUrl(worker: string): string {
  const segments = worker.replace(/^app/, "").replace(/\/page$/, "").split("/").filter((segment) => segment !== "" && !/^\(.*\)$/.test(segment));
  return `/${segments.map((segment) => (segment.startsWith("[") ? "no-such-record" : segment)).join("/")}`;
}

/** Every server action of the build in .next, with the URL of a page that uses it. */
export function serverActions(): ServerAction[] {
  const file = path.resolve(__dirname, "../../.next/server/server-reference-manifest.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { node: Record<string, ManifestEntry> };
  return Object.entries(manifest.node).map(([id, entry]) => ({ id, name: entry.exportedName, file: entry.filename, url: pageUrl(Object.keys(entry.workers)[0]!) }));
}

export function serverAction(name: string): ServerAction {
  const action = serverActions().find((candidate) => candidate.name === name);
  if (!action) throw new Error(`the build has no server action ${name}`);
  return action;
}

/** The request body and content type for calling an action with `args`. */
export async function encodeActionArguments(args: unknown[]): Promise<{ body: Buffer; contentType: string }> {
  const encoded = await encodeReply(args);
  if (typeof encoded === "string") return { body: Buffer.from(encoded), contentType: "text/plain;charset=UTF-8" };
  const multipart = new Response(encoded);
  return { body: Buffer.from(await multipart.arrayBuffer()), contentType: multipart.headers.get("content-type")! };
}
