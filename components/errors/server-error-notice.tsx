"use client";

import { useRouter } from "next/navigation";
import { startTransition, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";

export const DATABASE_UNAVAILABLE_MESSAGE = "The portal can't reach its database. Try again in a minute.";

/**
 * What a person sees when a page or action failed on the server: never a stack trace (production
 * sends only a digest), but what to do — and, when the health check says the database is the
 * cause, that. The check runs in the browser because the server's error text doesn't reach it.
 */
export function ServerErrorNotice({ digest, reset }: { digest?: string; reset: () => void }) {
  const router = useRouter();
  const [databaseDown, setDatabaseDown] = useState(false);
  useEffect(() => {
    let current = true;
    fetch("/api/health", { cache: "no-store" })
      .then((response) => current && setDatabaseDown(response.status === 503))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [digest]);
  return (
    <main className="mx-auto max-w-xl px-4 py-16" role="alert">
      <h1 className="text-2xl font-semibold">{databaseDown ? "The portal is unavailable" : "Something went wrong"}</h1>
      <p className="mt-3 text-slate-700">
        {databaseDown ? DATABASE_UNAVAILABLE_MESSAGE : "The portal couldn't complete this request. Try again in a minute; if it keeps failing, contact your helpdesk."}
      </p>
      {digest ? <p className="mt-2 text-xs text-slate-500">Reference: {digest}</p> : null}
      <Button
        className="mt-6"
        onClick={() =>
          startTransition(() => {
            router.refresh();
            reset();
          })
        }
      >
        Try again
      </Button>
    </main>
  );
}
