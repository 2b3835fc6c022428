import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MailList } from "@/components/mail/mail-list";
import { requireUser } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { demoMailbox } from "@/lib/demo/demo-mailbox";

export const metadata: Metadata = { title: "My mail (demo)" };

/**
 * The demo's stand-in for a mailbox: the signed-in demo user's own mail from the outbox (notices to
 * their UPN, codes to their email method). Outside the demo organisation this page doesn't exist.
 */
export default async function MyMailPage() {
  const user = await requireUser({ returnTo: "/mymail" });
  const mailbox = await demoMailbox({ db: getDb(), userId: user.id });
  if (!mailbox) notFound();
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">My mail (demo)</h1>
        <p className="text-sm text-slate-600">
          The demo sends no real mail: this is what would have reached {mailbox.addresses.join(" and ")}, newest first. Signed out (e.g. resetting a password)? Run <code>npm run demo:mail -- {user.upn}</code>.
        </p>
      </div>
      {mailbox.messages.length ? <MailList rows={mailbox.messages} caption="Your mail, newest first" times="local" /> : <p className="rounded border border-slate-200 bg-white px-4 py-6 text-center text-slate-700">No mail yet.</p>}
    </div>
  );
}
