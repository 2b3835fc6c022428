import type { Metadata } from "next";
import { PasswordResetFlow } from "@/components/sspr/password-reset-flow";
import { createCaptchaChallenge } from "@/lib/sspr/captcha";
import { minimumPasswordLength } from "@/lib/users/password-rules";

export const metadata: Metadata = { title: "Reset your password" };
// A new signed challenge for every visit.
export const dynamic = "force-dynamic";

/** Self-service password reset (anyone may open it; every step is checked on the server). */
export default async function PasswordResetPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const challenge = await createCaptchaChallenge();
  // "Forgot my password" on the sign-in page passes the account typed there; it only fills the field.
  const { upn } = await searchParams;
  return (
    <main className="flex min-h-screen items-start justify-center px-4 pt-16 sm:pt-24">
      <div className="w-full max-w-md rounded-lg bg-white p-8 shadow">
        <p className="mb-6 text-sm font-semibold text-slate-600">Contoso · Security info portal</p>
        <PasswordResetFlow challenge={challenge} minPasswordLength={minimumPasswordLength()} initialUpn={typeof upn === "string" ? upn.trim().slice(0, 320) : ""} />
      </div>
    </main>
  );
}
