"use client";

import { ServerErrorNotice } from "@/components/errors/server-error-notice";

/** Any page or action below the root layout that fails on the server (e.g. the database is down). */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ServerErrorNotice digest={error.digest} reset={reset} />;
}
