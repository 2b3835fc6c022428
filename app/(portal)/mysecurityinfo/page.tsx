import type { Metadata } from "next";
import { AddMethodDialog } from "@/components/methods/add-method-dialog";
import { DefaultMethodCard } from "@/components/methods/default-method-card";
import { FreshMfaProvider } from "@/components/methods/fresh-mfa";
import { MethodList } from "@/components/methods/method-list";
import { SignOutEverywhereForm } from "@/components/methods/sign-out-everywhere-form";
import { requireUser } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { getSecurityInfo } from "@/lib/methods/security-info";
import { minimumPasswordLength } from "@/lib/users/password-rules";

export const metadata: Metadata = { title: "Security info" };

export default async function SecurityInfoPage() {
  const user = await requireUser({ returnTo: "/mysecurityinfo" });
  const info = await getSecurityInfo({ db: getDb(), userId: user.id, sessionMfaAt: user.sessionMfaAt === null ? null : new Date(user.sessionMfaAt) });
  return (
    <FreshMfaProvider initiallyFresh={info.mfaFresh} methods={info.mfaMethods}>
      <div className="space-y-6">
        <div>
          <h1 className="text-2xl font-semibold">Security info</h1>
          <p className="text-sm text-slate-600">These are the methods you use to sign in to your account or reset your password.</p>
        </div>
        <DefaultMethodCard label={info.defaultMethod} defaultMethodId={info.defaultMethodId} methods={info.mfaMethods} />
        <div><AddMethodDialog methods={info.addableMethods} /></div>
        <MethodList entries={info.entries} lastMfaMethodId={info.mfaMethods.length === 1 ? info.mfaMethods[0].methodId : null} minPasswordLength={minimumPasswordLength()} />
        <section aria-labelledby="sessions-heading" className="space-y-2">
          <h2 id="sessions-heading" className="text-lg font-semibold">Lost device or signed in somewhere you shouldn&apos;t be?</h2>
          <SignOutEverywhereForm />
        </section>
      </div>
    </FreshMfaProvider>
  );
}
