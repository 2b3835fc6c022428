import { formatLogTime } from "@/components/logs/log-words";

/**
 * A time in the admin console: UTC, labelled so, as the logs and exports have it. Date and time
 * each stay on one line, so a narrow column wraps between them instead of cutting either.
 */
export function UtcTime({ date, precision = "second" }: { date: Date; precision?: "second" | "minute" }) {
  const text = formatLogTime(date);
  const [day, time] = [text.slice(0, 10), precision === "second" ? text.slice(11) : `${text.slice(11, 16)} UTC`];
  return (
    <time dateTime={date.toISOString()}>
      <span className="whitespace-nowrap">{day}</span> <span className="whitespace-nowrap">{time}</span>
    </time>
  );
}
