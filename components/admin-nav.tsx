"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useState } from "react";
import type { AdminNavGroup } from "@/lib/admin/admin-sections";

/** The link for the page shown: the longest href that the path starts with ("/admin" only on itself). */
function currentHref(pathname: string, groups: AdminNavGroup[]): string | undefined {
  const hrefs = groups.flatMap((group) => group.links.map((link) => link.href));
  return hrefs
    .filter((href) => pathname === href || (href !== "/admin" && pathname.startsWith(`${href}/`)))
    .sort((a, b) => b.length - a.length)[0];
}

/**
 * The admin console's left navigation, grouped like Entra's; the layout passes only the sections
 * the user's roles allow. On a phone it folds behind a Menu button (a client component rather than
 * an inline script, so the nonce CSP stays as it is); it closes again when a link is followed.
 */
export function AdminNav({ groups }: { groups: AdminNavGroup[] }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const listId = useId();
  const current = currentHref(pathname, groups);
  useEffect(() => setOpen(false), [pathname]);
  return (
    <nav aria-label="Admin console" className="md:w-56 md:shrink-0 md:border-r md:border-slate-200 md:pr-4">
      <button
        type="button"
        className="flex w-full items-center gap-2 rounded border border-slate-300 bg-white px-3 py-2 text-sm font-medium md:hidden"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((value) => !value)}
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
          {open ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 5h14M3 10h14M3 15h14" />}
        </svg>
        Menu
      </button>
      <div id={listId} className={`${open ? "block" : "hidden"} mt-2 space-y-4 rounded border border-slate-200 bg-white p-3 md:mt-0 md:block md:rounded-none md:border-0 md:bg-transparent md:p-0`}>
        {/* Group names are plain text, not labels: a labelled list named "Roles" would answer to every "Role" field's label. */}
        {groups.map((group) => (
          <div key={group.label ?? "overview"} className="space-y-1" data-nav-group={group.label ?? "Overview"}>
            {group.label ? <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">{group.label}</p> : null}
            <ul className="space-y-0.5 text-sm">
              {group.links.map((link) => {
                const isCurrent = link.href === current;
                return (
                  <li key={link.href}>
                    <Link
                      href={link.href}
                      aria-current={isCurrent ? "page" : undefined}
                      className={`block rounded px-2 py-1.5 md:-mx-2 ${isCurrent ? "bg-blue-50 font-medium text-blue-900" : "text-blue-800 hover:bg-slate-100"}`}
                    >
                      {link.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </div>
    </nav>
  );
}
