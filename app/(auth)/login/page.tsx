import type { Metadata } from "next";
import { LoginFlow } from "@/components/signin/login-flow";
import { safeCallbackUrl } from "@/lib/signin/safe-callback-url";
import { minimumPasswordLength } from "@/lib/users/password-rules";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, string> = {
  mfa: "This page needs a sign-in with a second method. Sign in again and enter a code.",
  strength: "The application you're opening requires a passkey. Sign in again: you'll be asked for your passkey, or to register one.",
  signedOut: "You have signed out.",
  blocked: "Your organisation's Conditional Access policy blocks you from this part of the portal. Contact your helpdesk if you think this is wrong.",
  passwordChanged: "Your password was changed and every session ended. Sign in with your new password.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const reason = typeof params.reason === "string" ? params.reason : undefined;
  return (
    <main className="flex min-h-screen items-start justify-center px-4 pt-16 sm:pt-24">
      <div className="w-full max-w-md rounded-lg bg-white p-8 shadow">
        <p className="mb-6 text-sm font-semibold text-slate-600">Contoso · Security info portal</p>
        <LoginFlow callbackUrl={safeCallbackUrl(params.callbackUrl)} notice={reason ? NOTICES[reason] : undefined} minPasswordLength={minimumPasswordLength()} />
      </div>
    </main>
  );
}
