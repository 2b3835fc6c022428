"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * A time as an end user reads it: in the browser's own time zone, with the zone named
 * ("2 Dec 2026, 14:05 CET"). The server doesn't know that zone, so the server's render (and the
 * first render in the browser, to hydrate it) shows UTC, named so; the browser then shows its own.
 */
export function LocalTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const inBrowser = useSyncExternalStore(subscribe, () => true, () => false);
  const date = new Date(iso);
  const options: Intl.DateTimeFormatOptions = dateOnly
    ? { year: "numeric", month: "short", day: "numeric" }
    : { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  const text = new Intl.DateTimeFormat(inBrowser ? undefined : "en-GB", inBrowser ? options : { ...options, timeZone: "UTC" }).format(date);
  return <time dateTime={iso} suppressHydrationWarning>{text}</time>;
}
