import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { demoMailbox, isDemoOrganisation } from "../../lib/demo/demo-mailbox";
import { seedDemoOrganisation } from "../../lib/demo/seed-demo-organisation";
import { EMAIL_CODE_LIFETIME_MINUTES, sendEmailOneTimeCode, verifyEmailOneTimeCode } from "../../lib/methods/email-one-time-code";
import { listOutboxMessages } from "../../lib/notify/outbox-list";
import { sweepOutbox } from "../../lib/notify/outbox-retention";
import { deliverOutbox } from "../../lib/notify/outbox-sender";
import { queueMail } from "../../lib/notify/queue-mail";
import { enableEmailMethodFor, givenConfirmedEmailMethod } from "../support/email-codes";
import { makeUser, unique } from "../support/factories";
import { startSmtpSink } from "../support/smtp-sink";

const db = getDb();
let sink: Awaited<ReturnType<typeof startSmtpSink>>;

beforeAll(async () => {
  if (!(await isDemoOrganisation({ db }))) await seedDemoOrganisation({ db });
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});

async function userWithEmail() {
  const user = await makeUser();
  await enableEmailMethodFor([user.id]);
  const address = await givenConfirmedEmailMethod({ userId: user.id });
  return { user, address };
}

/** The code in the newest code mail to the address, as stored in the database right now. */
async function storedCodeMail(address: string) {
  return db.outboxMessage.findFirstOrThrow({ where: { to: address }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}

describe("one-time codes in stored mail (finding 9)", () => {
  it("without SMTP: readable by its owner while live, masked for administrators, gone from the database once expired", async () => {
    const { user, address } = await userWithEmail();
    const sentAt = new Date();
    expect(await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", now: sentAt })).toMatchObject({ ok: true });
    const mail = await storedCodeMail(address);
    const code = /\b(\d{8})\b/.exec(mail.body)![1];
    // Live: the demo user reads it in their mailbox (the outbox is the only copy without SMTP)…
    expect((await demoMailbox({ db, userId: user.id }))!.messages.find((m) => m.id === mail.id)!.body).toContain(code);
    // …the admin console's outbox shows it masked, and a sweep before expiry leaves it.
    const listed = (await listOutboxMessages({ db, query: { to: address } })).rows.find((m) => m.id === mail.id)!;
    expect(listed.body).not.toContain(code);
    expect(listed.body).toContain("Your verification code is ••••••••.");
    await sweepOutbox({ db, now: new Date(sentAt.getTime() + 60_000) });
    expect((await storedCodeMail(address)).body).toContain(code);

    // Expired: the sweep removes the code's text from the stored body.
    const expired = new Date(sentAt.getTime() + EMAIL_CODE_LIFETIME_MINUTES * 60_000 + 1);
    expect((await sweepOutbox({ db, now: expired })).codesRemoved).toBeGreaterThanOrEqual(1);
    const after = await storedCodeMail(address);
    expect(after.body).not.toContain(code);
    expect(after.body).toContain("Your verification code is ••••••••.");
    expect(after.codeExpiresAt).toBeNull();
    expect(await db.outboxMessage.count({ where: { body: { contains: code } } })).toBe(0);
    // The rest of the mail is kept as it was; the row said how long its code lived.
    expect(after.body.replace("••••••••", code)).toBe(mail.body);
    expect(mail.codeExpiresAt).toEqual(new Date(sentAt.getTime() + EMAIL_CODE_LIFETIME_MINUTES * 60_000));
  });

  it("with SMTP: the recipient gets the code, the stored copy loses it as it is sent", async () => {
    const { user, address } = await userWithEmail();
    // Mail other tests left behind goes first, so this run sees its own.
    await deliverOutbox({ db, smtpUrl: sink.url });
    sink.received.length = 0;
    expect(await sendEmailOneTimeCode({ db, userId: user.id, purpose: "signIn" })).toMatchObject({ ok: true });
    const code = /\b(\d{8})\b/.exec((await storedCodeMail(address)).body)![1];
    expect(await deliverOutbox({ db, smtpUrl: sink.url })).toMatchObject({ sent: 1, failed: 0 });
    expect(sink.received.find((mail) => mail.to.includes(address))!.data).toContain(code);
    const stored = await storedCodeMail(address);
    expect(stored.sentAt).not.toBeNull();
    expect(stored.codeExpiresAt).toBeNull();
    expect(stored.body).not.toContain(code);
    expect(await db.outboxMessage.count({ where: { body: { contains: code } } })).toBe(0);
    // The code still works: only the stored copy lost it.
    expect(await verifyEmailOneTimeCode({ db, userId: user.id, purpose: "signIn", code })).toMatchObject({ ok: true });
  });

  it("deletes mail older than OUTBOX_RETENTION_DAYS, sent or not, and keeps younger mail", async () => {
    const previous = process.env.OUTBOX_RETENTION_DAYS;
    process.env.OUTBOX_RETENTION_DAYS = "7";
    try {
      const now = new Date();
      const box = `${unique("old-")}@mail.example`;
      const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
      const rows = [];
      for (const [age, sent] of [[8, true], [8, false], [6, true], [1, false]] as const) {
        const { id } = await queueMail({ db, message: { to: box, subject: `${age} days, ${sent ? "sent" : "unsent"}`, body: "A notice." } });
        await db.outboxMessage.update({ where: { id }, data: { createdAt: days(age), sentAt: sent ? days(age) : null } });
        rows.push(id);
      }
      expect((await sweepOutbox({ db, now })).deleted).toBeGreaterThanOrEqual(2);
      const left = await db.outboxMessage.findMany({ where: { to: box }, orderBy: { createdAt: "asc" } });
      expect(left.map((row) => row.subject)).toEqual(["6 days, sent", "1 days, unsent"]);
    } finally {
      if (previous === undefined) delete process.env.OUTBOX_RETENTION_DAYS;
      else process.env.OUTBOX_RETENTION_DAYS = previous;
    }
  });
});
