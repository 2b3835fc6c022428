import type { Metadata } from "next";
import { MethodList } from "@/components/methods/method-list";
import { SignOutEverywhereForm } from "@/components/methods/sign-out-everywhere-form";
import { requireUser } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { getSecurityInfo } from "@/lib/methods/security-info";

export const metadata: Metadata = { title: "Security info" };

export default async function SecurityInfoPage() {
  const user = await requireUser({ returnTo: "/mysecurityinfo" });
  const info = await getSecurityInfo({ db: getDb(), userId: user.id });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Security info</h1>
        <p className="text-sm text-slate-600">These are the methods you use to sign in to your account or reset your password.</p>
      </div>
      <p className="rounded border border-slate-200 bg-white px-4 py-3">
        <span className="font-medium">Default sign-in method: </span>
        <span data-testid="default-method">{info.defaultMethod ?? "None yet — add a hardware token or authenticator app"}</span>
      </p>
      <MethodList entries={info.entries} />
      <section aria-labelledby="sessions-heading" className="space-y-2">
        <h2 id="sessions-heading" className="text-lg font-semibold">Lost device or signed in somewhere you shouldn&apos;t be?</h2>
        <SignOutEverywhereForm />
      </section>
    </div>
  );
}
