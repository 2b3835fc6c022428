import type { Metadata } from "next";
import Link from "next/link";
import { MySignInsTable, SignInPagination } from "@/components/methods/my-sign-ins-table";
import { requireUser } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listMySignIns } from "@/lib/users/my-sign-ins";

export const metadata: Metadata = { title: "My sign-ins" };

export default async function MySignInsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser({ returnTo: "/mysignins" });
  const params = await searchParams;
  const page = Number(typeof params.page === "string" ? params.page : 1) || 1;
  const { signIns, page: shown, pageCount, total } = await listMySignIns({ db: getDb(), userId: user.id, page });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">My sign-ins</h1>
          <p className="text-sm text-slate-600">{total} sign-in{total === 1 ? "" : "s"} to your account. Don&apos;t recognise one? Change your password and use Sign out everywhere.</p>
        </div>
        <Link href="/mysecurityinfo" className="text-sm text-blue-700 hover:underline">Security info</Link>
      </div>
      <MySignInsTable signIns={signIns} />
      <SignInPagination page={shown} pageCount={pageCount} />
    </div>
  );
}
