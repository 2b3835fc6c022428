import Link from "next/link";
import { signOutAction } from "@/app/(portal)/actions";

/** The container widths of the two shells; the header uses its page's, so both start on one left edge. */
const WIDTHS = { portal: "max-w-5xl", console: "max-w-7xl" } as const;

/** The top bar of signed-in pages: who is signed in, where they can go, and sign out. */
export function PortalHeader({ displayName, upn, showAdmin, showDemoMail = false, width = "portal" }: { displayName: string; upn: string; showAdmin: boolean; showDemoMail?: boolean; width?: keyof typeof WIDTHS }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className={`mx-auto flex ${WIDTHS[width]} flex-wrap items-center justify-between gap-x-3 gap-y-1 px-4 py-3`}>
        <nav aria-label="Main" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
          <span className="font-semibold">Contoso</span>
          <Link className="text-blue-700 hover:underline" href="/mysecurityinfo">Security info</Link>
          <Link className="text-blue-700 hover:underline" href="/mysignins">My sign-ins</Link>
          <Link className="text-blue-700 hover:underline" href="/myapps">My apps</Link>
          {/* Only in the demo organisation: its stand-in for a mailbox (codes, notices). */}
          {showDemoMail ? <Link className="text-blue-700 hover:underline" href="/mymail">My mail (demo)</Link> : null}
          {showAdmin ? <Link className="text-blue-700 hover:underline" href="/admin">Admin console</Link> : null}
        </nav>
        <div className="flex items-center gap-3 text-sm">
          <span title={upn}>{displayName}</span>
          <form action={signOutAction}>
            <button type="submit" className="text-blue-700 hover:underline">Sign out</button>
          </form>
        </div>
      </div>
    </header>
  );
}
