import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { methodIdOf } from "../../lib/methods/authentication-methods";
import { databaseFingerprint } from "./database-fingerprint";
import { encodeActionArguments as encode, serverActions as buildActions, type ServerAction as Action } from "./server-actions";
import { db, makeActivatedToken, makeUser, rememberSecret, tokenCode } from "./helpers";
import { signInAs } from "./sign-in-as";

// Every server action of the production build (read from its server-reference manifest, so
// actions added later are covered without touching this file), posted over real HTTP the way
// Next.js 16's client sends them — a `Next-Action: <id>` header and the arguments encoded by
// React's encodeReply — with malformed bodies, as an anonymous visitor (with no cookie and with a
// forged one), a plain user and a Global Administrator. Each answer must be an error or a refusal,
// never a 500, and no row of the database may change (W1, C4, issue 7's bad input corpus).

const root = path.resolve(__dirname, "../..");

/**
 * Actions that take no input and whose whole job is to end the caller's own session: any body
 * "works" for a signed-in caller, so they are posted by anonymous callers only.
 */
const ENDS_OWN_SESSION = new Set(["signOutAction", "signOutEverywhere"]);

/** Field names the portal's forms use; the actions' own field errors add any new ones. */
const KNOWN_FIELDS = [
  "upn", "password", "code", "methodId", "userId", "tokenId", "groupId", "policyId", "importId", "appId", "name", "displayName", "description",
  "role", "serialNumber", "friendlyName", "newPassword", "confirmPassword", "enabled", "confirm", "confirmLastMethod", "firstCode", "secondCode",
  "method", "target", "state", "users", "grant", "resources", "includeGroupIds", "excludeGroupIds", "groupIds", "manufacturer", "callbackUrl",
];

type Body = { label: string; args: () => unknown[] };

function form(entries: [string, string | Blob][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

/**
 * The malformed bodies: missing fields, wrong types, huge strings. `fields` are every field name
 * known (files, objects, 20 KB each: about 700 KB in all, under the 1 MB body limit); `own` the
 * action's own required fields, each sent alone as a 1,000,000-character string.
 */
function malformedBodies(fields: string[], own: string[]): Body[] {
  const huge = "x".repeat(1_000_000);
  return [
    { label: "no fields", args: () => [undefined, new FormData()] },
    { label: "every field a file", args: () => [undefined, form(fields.map((f) => [f, new Blob([Buffer.from([0, 159, 146, 150, 255])], { type: "application/octet-stream" })]))] },
    { label: "a string instead of the form", args: () => [undefined, "upn=alice@contoso.example"] },
    { label: "an object instead of the form", args: () => [undefined, Object.fromEntries(fields.map((f) => [f, "1"]))] },
    { label: "a number and null", args: () => [42, null] },
    { label: "no arguments", args: () => [] },
    { label: "every field 20 KB", args: () => [undefined, form(fields.map((f) => [f, `${f}-${"y".repeat(20_000)}`]))] },
    ...own.map((field): Body => ({ label: `1 MB in ${field}`, args: () => [undefined, form([[field, huge]])] })),
  ];
}

/**
 * Someone else's records — their ids, serial, UPN and the code their token shows now — with a
 * wrong password: what a plain user or a visitor must never reach. Nothing here is valid input
 * for an action on the caller's own account (no name, no new password).
 */
async function victimBodies(): Promise<Body[]> {
  const victim = await makeUser();
  const token = await makeActivatedToken(victim.id);
  const group = await db().group.create({ data: { name: `fuzz-victim-${victim.id}` } });
  await db().groupMember.create({ data: { groupId: group.id, userId: victim.id } });
  const methodId = methodIdOf({ kind: "hardwareToken", id: token.id });
  const ids: Record<string, string> = { userId: victim.id, tokenId: token.id, methodId, groupId: group.id, appId: token.id, importId: token.id, policyId: group.id };
  const theirs = () => ({
    ...ids,
    upn: victim.upn,
    serialNumber: token.serialNumber,
    code: rememberSecret(tokenCode(token, new Date())),
    confirm: "on",
    confirmLastMethod: "on",
    enabled: "false",
    role: "Global Administrator",
    password: "not-their-password",
  });
  return [
    { label: "another user's ids (and their current code)", args: () => [undefined, form(Object.entries(theirs()))] },
    { label: "another user's ids, confirmPassword mismatched", args: () => [undefined, form(Object.entries({ ...theirs(), newPassword: "x", confirmPassword: "y" }))] },
  ];
}

type Caller = { who: string; request: APIRequestContext; extraHeaders?: Record<string, string>; bodies: "malformed" | "all" };

/** What is wrong with one answer, or null when it is an error or a refusal. */
function problemWith(status: number, headers: Record<string, string>, text: string): string | null {
  if (status >= 500) return `answered ${status}: ${text.slice(0, 200)}`;
  if ([301, 302, 303, 307, 308].includes(status)) return /\/login/.test(headers.location ?? "") ? null : `redirected to ${headers.location}`;
  if ([400, 401, 403, 404, 405, 413].includes(status)) return null;
  if (status !== 200) return `answered ${status}`;
  const redirect = headers["x-action-redirect"];
  if (redirect) return /^\/login/.test(redirect) ? null : `action redirected to ${redirect}`;
  // The Flight answer: row 0 is the envelope, row 1 the action's return value.
  const row = /^1:(.*)$/m.exec(text)?.[1];
  if (row === undefined) return `no action result in ${JSON.stringify(text.slice(0, 200))}`;
  if (row.startsWith("E")) return `the action threw: ${row}`;
  const result = JSON.parse(row) as { error?: unknown };
  return typeof result.error === "string" && result.error.length > 0 ? null : `not an error: ${row.slice(0, 300)}`;
}

async function signedIn(browser: Browser, role: "plain" | "Global Administrator") {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await signInAs(page, role === "plain" ? null : role);
  await page.close();
  return context;
}

test("the build's manifest holds every file of server actions", () => {
  const actions = buildActions();
  const actionFiles = fs
    .readdirSync(path.join(root, "app"), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.tsx?$/.test(file) && /^\s*["']use server["']/m.test(fs.readFileSync(path.join(root, "app", file), "utf8")))
    .map((file) => path.join("app", file).split(path.sep).join("/"));
  expect(actionFiles.length).toBeGreaterThan(5);
  expect(actionFiles.filter((file) => !actions.some((action) => action.file === file))).toEqual([]);
});

test("every server action answers malformed and foreign input with an error, never a 500, and changes nothing", async ({ browser, playwright }) => {
  test.setTimeout(15 * 60_000);
  const actions = buildActions();
  const baseURL = String(test.info().project.use.baseURL);
  const anonymous = await playwright.request.newContext({ baseURL });
  const plain = await signedIn(browser, "plain");
  const admin = await signedIn(browser, "Global Administrator");
  const victim = await victimBodies();
  const callers: Caller[] = [
    { who: "an anonymous visitor", request: anonymous, bodies: "all" },
    // A forged session cookie gets past proxy.ts's redirect, so the action's own check answers.
    { who: "an anonymous visitor with a forged session cookie", request: anonymous, extraHeaders: { Cookie: "authjs.session-token=forged" }, bodies: "all" },
    { who: "a plain user", request: plain.request, bodies: "all" },
    // Admins may act on other people's records, so they get the malformed bodies only.
    { who: "a Global Administrator", request: admin.request, bodies: "malformed" },
  ];

  // Field names from the actions themselves: an empty form makes each name its required fields.
  const fields = new Set(KNOWN_FIELDS);
  const ownFields = new Map<string, string[]>();
  const problems: string[] = [];
  let posted = 0;
  const post = async (caller: Caller, action: Action, body: Body) => {
    const { body: data, contentType } = await encode(body.args());
    const response = await caller.request.post(action.url, {
      data,
      maxRedirects: 0,
      headers: { "Next-Action": action.id, "Content-Type": contentType, Accept: "text/x-component", Origin: baseURL, ...caller.extraHeaders },
    });
    posted += 1;
    const text = await response.text();
    const problem = problemWith(response.status(), response.headers(), text);
    if (problem) problems.push(`${action.name} (${action.file}) as ${caller.who}, ${body.label}: ${problem}`);
    return text;
  };

  const before = await databaseFingerprint();
  for (const action of actions) {
    if (ENDS_OWN_SESSION.has(action.name)) continue;
    const answer = await post(callers[3]!, action, { label: "no fields (field names)", args: () => [undefined, new FormData()] });
    const result = JSON.parse(/^1:(\{.*)$/m.exec(answer)?.[1] ?? "{}") as { fieldErrors?: Record<string, unknown> };
    ownFields.set(action.id, Object.keys(result.fieldErrors ?? {}));
    for (const name of ownFields.get(action.id)!) fields.add(name);
  }
  for (const caller of callers) {
    for (const action of actions) {
      if (ENDS_OWN_SESSION.has(action.name) && !caller.who.startsWith("an anonymous")) continue;
      const bodies = malformedBodies([...fields], ownFields.get(action.id) ?? []);
      for (const body of caller.bodies === "all" ? [...bodies, ...victim] : bodies) await post(caller, action, body);
    }
  }
  const after = await databaseFingerprint();
  await Promise.all([anonymous.dispose(), plain.close(), admin.close()]);

  expect(problems).toEqual([]);
  expect(after).toEqual(before);
  // The sweep really ran: every action, every caller, every body.
  expect(actions.length).toBeGreaterThanOrEqual(30);
  expect(posted).toBeGreaterThan(actions.length * 4 * 7);
  expect([...ownFields.values()].flat().length).toBeGreaterThanOrEqual(actions.length - ENDS_OWN_SESSION.size);
  console.log(`server action fuzz: ${actions.length} actions, ${fields.size} field names, ${posted} requests`);
});
