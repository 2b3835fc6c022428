import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { DEFAULT_MAIL_FROM } from "../../lib/notify/mail-settings";
import { notifyUser } from "../../lib/notify/notify-user";
import { OUTBOX_CLAIM_STALE_MS, deliverOutbox } from "../../lib/notify/outbox-sender";
import { queueMail } from "../../lib/notify/queue-mail";
import { unique } from "../support/factories";
import { startSmtpSink } from "../support/smtp-sink";

const db = getDb();
let sink: Awaited<ReturnType<typeof startSmtpSink>>;

beforeAll(async () => {
  sink = await startSmtpSink();
  // Mail other test files left behind is delivered first, so each test sees only its own.
  await deliverOutbox({ db, smtpUrl: sink.url });
  sink.received.length = 0;
});
afterAll(async () => {
  delete process.env.SMTP_URL;
  await sink.close();
});

const subjectsReceived = (marker: string) => sink.received.filter((mail) => mail.data.includes(marker));

describe("outbox delivery over SMTP", () => {
  it("delivers each message once with two concurrent senders and sets sentAt", async () => {
    const marker = unique("batch-");
    for (let i = 0; i < 30; i++) {
      await queueMail({ db, message: { to: `Person${i}@Mail.Example`, subject: `${marker} #${i}`, body: `Message ${i} of ${marker}` } });
    }
    const [first, second] = await Promise.all([deliverOutbox({ db, smtpUrl: sink.url }), deliverOutbox({ db, smtpUrl: sink.url })]);
    expect(first.sent + second.sent).toBe(30);
    expect(first.failed + second.failed).toBe(0);
    expect(sink.received).toHaveLength(30);
    for (let i = 0; i < 30; i++) {
      const copies = sink.received.filter((mail) => mail.data.includes(`Subject: ${marker} #${i}\r\n`));
      expect(copies).toHaveLength(1);
      expect(copies[0].to).toEqual([`person${i}@mail.example`]);
      expect(copies[0].from).toBe("no-reply@localhost");
      expect(copies[0].data).toContain(`Message ${i} of ${marker}`);
    }
    const rows = await db.outboxMessage.findMany({ where: { subject: { startsWith: marker } } });
    expect(rows).toHaveLength(30);
    expect(rows.every((row) => row.sentAt !== null && row.attempts === 0)).toBe(true);
    // Nothing left: a third run sends nothing again.
    expect(await deliverOutbox({ db, smtpUrl: sink.url })).toEqual({ sent: 0, failed: 0 });
    expect(sink.received).toHaveLength(30);
    expect(DEFAULT_MAIL_FROM).toContain("no-reply@localhost");
  });

  it("keeps a message the server refused, records why (never the body), and retries once the claim is stale", async () => {
    sink.received.length = 0;
    const marker = unique("retry-");
    const { id } = await queueMail({ db, message: { to: "retry@mail.example", subject: marker, body: "Your verification code is 01234567." } });
    sink.failNext(1);
    const start = new Date();
    expect(await deliverOutbox({ db, smtpUrl: sink.url, from: "Portal <portal@contoso.example>", now: () => start })).toEqual({ sent: 0, failed: 1 });
    const failed = await db.outboxMessage.findUniqueOrThrow({ where: { id } });
    expect(failed.sentAt).toBeNull();
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toContain("451");
    expect(failed.lastError).not.toContain("01234567");
    // Not before the claim is stale: a broken server isn't hammered.
    expect(await deliverOutbox({ db, smtpUrl: sink.url, now: () => new Date(start.getTime() + 60_000) })).toEqual({ sent: 0, failed: 0 });
    const later = new Date(start.getTime() + OUTBOX_CLAIM_STALE_MS + 1_000);
    expect(await deliverOutbox({ db, smtpUrl: sink.url, from: "Portal <portal@contoso.example>", now: () => later })).toEqual({ sent: 1, failed: 0 });
    expect(subjectsReceived(marker)).toHaveLength(1);
    expect(subjectsReceived(marker)[0].from).toBe("portal@contoso.example");
    expect((await db.outboxMessage.findUniqueOrThrow({ where: { id } })).sentAt).not.toBeNull();
  });

  it("with SMTP_URL set, a notification is delivered soon after its transaction commits", async () => {
    sink.received.length = 0;
    process.env.SMTP_URL = sink.url;
    process.env.MAIL_FROM = "Contoso security <security@contoso.example>";
    try {
      const upn = `${unique("notified")}@contoso.example`;
      await db.$transaction((tx) => notifyUser({ db: tx, upn, notice: { subject: `Changed ${upn}`, what: "Something changed." } }));
      const row = await db.outboxMessage.findFirstOrThrow({ where: { to: upn } });
      let sentAt: Date | null = null;
      for (let i = 0; i < 100 && !sentAt; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        sentAt = (await db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).sentAt;
      }
      expect(sentAt).not.toBeNull();
      expect(subjectsReceived(`Changed ${upn}`)).toHaveLength(1);
      expect(subjectsReceived(`Changed ${upn}`)[0].from).toBe("security@contoso.example");
    } finally {
      delete process.env.SMTP_URL;
      delete process.env.MAIL_FROM;
    }
  });
});
