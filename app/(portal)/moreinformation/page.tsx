import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { ConfirmMethodsForm } from "@/components/sspr/confirm-methods-form";
import { requireUser } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { safeCallbackUrl } from "@/lib/signin/safe-callback-url";
import { ssprRegistrationStatus } from "@/lib/sspr/registration-interrupt";

export const metadata: Metadata = { title: "More information required" };

/**
 * The registration interrupt after sign-in (password reset requires registration): register more
 * methods in Security info, or confirm the ones held are current; skipping is allowed and the
 * question comes back at the next sign-in.
 */
export default async function MoreInformationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  const user = await requireUser({ returnTo: `/moreinformation?callbackUrl=${encodeURIComponent(callbackUrl)}` });
  const status = await ssprRegistrationStatus({ db: getDb(), userId: user.id });
  if (!status.due) redirect(callbackUrl);
  const missing = status.methodsRequired - status.held.length;
  return (
    <section aria-labelledby="more-info-heading" className="max-w-xl space-y-4">
      <h1 id="more-info-heading" className="text-2xl font-semibold">More information required</h1>
      <p className="text-sm text-slate-700">
        Your organisation needs more information to keep your account secure, so that you can reset your password yourself if you forget it.
      </p>
      {status.held.length ? (
        <div className="text-sm text-slate-700">
          <p>Methods you can use to reset your password:</p>
          <ul className="ml-5 list-disc">{status.held.map((m) => <li key={m.method}>{m.label}</li>)}</ul>
        </div>
      ) : null}
      {status.reason === "register" ? (
        <>
          <p className="text-sm text-slate-700">
            Password reset needs {status.methodsRequired} different method{status.methodsRequired === 1 ? "" : "s"}: set up {missing} more in Security info.
          </p>
          <div className="flex items-center gap-4">
            <Link href="/mysecurityinfo" className="rounded bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800">Next</Link>
            <Link href={callbackUrl} className="text-sm text-blue-700 underline-offset-2 hover:underline">Skip for now</Link>
          </div>
        </>
      ) : (
        <>
          <p className="text-sm text-slate-700">Are these still current? Confirm them, or change them in Security info.</p>
          <ConfirmMethodsForm callbackUrl={callbackUrl} />
          <div className="flex items-center gap-4">
            <Link href="/mysecurityinfo" className="text-sm text-blue-700 underline-offset-2 hover:underline">Change them in Security info</Link>
            <Link href={callbackUrl} className="text-sm text-blue-700 underline-offset-2 hover:underline">Skip for now</Link>
          </div>
        </>
      )}
    </section>
  );
}
