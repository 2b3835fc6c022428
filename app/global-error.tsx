"use client";

import "./globals.css";
import { ServerErrorNotice } from "@/components/errors/server-error-notice";

/** A failure in the root layout itself: replaces the whole document, so it brings its own html. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <ServerErrorNotice digest={error.digest} reset={reset} />
      </body>
    </html>
  );
}
