import { describe, expect, it } from "vitest";
import { ROLES, rolesAllow } from "../../lib/auth/permissions";
import { getDb } from "../../lib/db/client";
import { demoMailFor, demoMailbox, isDemoOrganisation } from "../../lib/demo/demo-mailbox";
import { DEMO_SETTING_KEY, seedDemoOrganisation } from "../../lib/demo/seed-demo-organisation";
import { notifyUser } from "../../lib/notify/notify-user";
import { listOutboxMessages } from "../../lib/notify/outbox-list";
import { queueMail } from "../../lib/notify/queue-mail";
import { unique } from "../support/factories";

const db = getDb();

describe("the admin console's outbox", () => {
  it("is for Global Administrators only: mail holds one-time codes", () => {
    for (const role of ROLES) expect(rolesAllow([role], "outbox.read")).toBe(role === "Global Administrator");
    expect(rolesAllow([], "outbox.read")).toBe(false);
  });

  it("lists mail newest first, page by page, filtered by recipient", async () => {
    const box = unique("list-");
    for (let i = 0; i < 30; i++) await queueMail({ db, message: { to: `${box}@mail.example`, subject: `Message ${i}`, body: `Body ${i}` } });
    const first = await listOutboxMessages({ db, query: { to: box.toLowerCase() } });
    expect(first).toMatchObject({ total: 30, page: 1, pageSize: 25, pageCount: 2 });
    expect(first.rows.map((r) => r.subject).slice(0, 3)).toEqual(["Message 29", "Message 28", "Message 27"]);
    const second = await listOutboxMessages({ db, query: { to: box.toLowerCase(), page: 2 } });
    expect(second.rows.map((r) => r.subject)).toEqual(["Message 4", "Message 3", "Message 2", "Message 1", "Message 0"]);
    expect(second.rows[0]).toMatchObject({ to: `${box}@mail.example`, body: "Body 4", sentAt: null, attempts: 0 });
    expect((await listOutboxMessages({ db, query: { to: "nobody-like-this" } })).total).toBe(0);
  });
});

describe("the demo mailbox", () => {
  it("shows a demo user their own mail (UPN and email method), and nothing outside the demo", async () => {
    if (!(await isDemoOrganisation({ db }))) await seedDemoOrganisation({ db });
    const alice = await db.user.findUniqueOrThrow({ where: { upn: "alice@contoso.example" } });
    const bob = await db.user.findUniqueOrThrow({ where: { upn: "bob@contoso.example" } });
    const address = `${unique("alice-")}@mail.example`;
    await db.emailMethod.deleteMany({ where: { userId: alice.id } });
    await db.emailMethod.create({ data: { userId: alice.id, address, confirmedAt: new Date() } });
    const marker = unique("demo-");
    await notifyUser({ db, upn: alice.upn, notice: { subject: `Notice ${marker}`, what: "Something changed." } });
    await queueMail({ db, message: { to: address, subject: `Code ${marker}`, body: "Your verification code is 12345678." } });
    await notifyUser({ db, upn: bob.upn, notice: { subject: `Bob's ${marker}`, what: "Not for Alice." } });

    const mailbox = await demoMailbox({ db, userId: alice.id });
    expect(mailbox?.addresses).toEqual([alice.upn, address]);
    const subjects = mailbox!.messages.map((m) => m.subject);
    expect(subjects.slice(0, 2)).toEqual([`Code ${marker}`, `Notice ${marker}`]);
    expect(subjects).not.toContain(`Bob's ${marker}`);

    const cli = await demoMailFor({ db, who: " ALICE@contoso.example " });
    expect(cli).toMatchObject({ ok: true, addresses: [alice.upn, address] });
    expect(cli.ok && cli.messages[0].body).toContain("12345678");
    const byAddress = await demoMailFor({ db, who: address });
    expect(byAddress.ok && byAddress.messages.map((m) => m.to)).toEqual([address]);

    // Not the demo: the mailbox and the command refuse.
    const marked = await db.setting.findUniqueOrThrow({ where: { key: DEMO_SETTING_KEY } });
    await db.setting.delete({ where: { key: DEMO_SETTING_KEY } });
    try {
      expect(await demoMailbox({ db, userId: alice.id })).toBeNull();
      expect(await demoMailFor({ db, who: alice.upn })).toEqual({ ok: false, message: expect.stringMatching(/not the demo organisation/) });
    } finally {
      await db.setting.create({ data: { key: DEMO_SETTING_KEY, value: marked.value } });
      await db.emailMethod.deleteMany({ where: { userId: alice.id } });
    }
  });
});
