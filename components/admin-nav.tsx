import Link from "next/link";

export type AdminNavLink = { href: string; label: string };

/** The admin console's section links; the layout passes only those the user's roles allow. */
export function AdminNav({ links }: { links: AdminNavLink[] }) {
  return (
    <nav aria-label="Admin console" className="border-b border-slate-200 bg-slate-100">
      <ul className="mx-auto flex max-w-6xl flex-wrap gap-x-5 gap-y-1 px-4 py-2 text-sm">
        {links.map((link) => (
          <li key={link.href}>
            <Link className="text-blue-800 hover:underline" href={link.href}>{link.label}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
