import { expect, test } from "@playwright/test";
import { makeActivatedToken, makeUser, tokenCode } from "./helpers";

// The verification API over real HTTP against the production server, as a VPN or RADIUS gateway
// calls it: JSON in, JSON out, the key in the Authorization header.
const key = process.env.VERIFY_API_KEY!;

test("a relying service verifies a user's code over HTTP: accepted once, then a replay; no key, no answer", async ({ request }) => {
  const user = await makeUser();
  const token = await makeActivatedToken(user.id);
  const code = tokenCode(token, new Date());

  const withoutKey = await request.post("/api/verify", { data: { upn: user.upn, code } });
  expect(withoutKey.status()).toBe(401);

  const accepted = await request.post("/api/verify", { headers: { Authorization: `Bearer ${key}` }, data: { upn: user.upn, code } });
  expect(accepted.status()).toBe(200);
  expect(accepted.headers()["cache-control"]).toBe("no-store");
  expect(await accepted.json()).toEqual({ result: "accepted" });

  const replay = await request.post("/api/verify", { headers: { Authorization: `Bearer ${key}` }, data: { upn: user.upn, code } });
  expect(await replay.json()).toEqual({ result: "rejected", reason: "replayed" });

  const badBody = await request.post("/api/verify", { headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, data: "not json" });
  expect(badBody.status()).toBe(400);
});

test("the liveness probe answers", async ({ request }) => {
  const response = await request.get("/api/health/live");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "live" });
});
