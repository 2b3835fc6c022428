import { describe, expect, it } from "vitest";
import { rateLimitDecision, tryAgainMessage } from "../../../lib/db/rate-limit";

const now = new Date("2026-11-28T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

describe("rate limit maths", () => {
  it("allows while fewer than the limit are in the window", () => {
    expect(rateLimitDecision({ earlierHits: [], now, limit: 1, windowMinutes: 60 })).toEqual({ allowed: true });
    expect(rateLimitDecision({ earlierHits: [minutesAgo(1), minutesAgo(2)], now, limit: 3, windowMinutes: 60 })).toEqual({ allowed: true });
  });

  it("ignores hits that have left the window", () => {
    expect(rateLimitDecision({ earlierHits: [minutesAgo(61), minutesAgo(60), minutesAgo(5)], now, limit: 2, windowMinutes: 60 })).toEqual({ allowed: true });
  });

  it("waits until the limit-th newest hit leaves the window, rounded up", () => {
    // Five in the last hour, limit 5: the oldest (50 min ago) leaves in 10 minutes.
    const hits = [minutesAgo(50), minutesAgo(40), minutesAgo(30), minutesAgo(2), minutesAgo(1)];
    expect(rateLimitDecision({ earlierHits: hits, now, limit: 5, windowMinutes: 60 })).toEqual({ allowed: false, retryAfterMinutes: 10 });
    // Limit 2: the 2nd newest (2 min ago) must leave: 58 minutes.
    expect(rateLimitDecision({ earlierHits: hits, now, limit: 2, windowMinutes: 60 })).toEqual({ allowed: false, retryAfterMinutes: 58 });
    // Order of the input doesn't matter.
    expect(rateLimitDecision({ earlierHits: [...hits].reverse(), now, limit: 2, windowMinutes: 60 })).toEqual({ allowed: false, retryAfterMinutes: 58 });
  });

  it("never says less than a minute, and rounds partial minutes up", () => {
    const justInside = new Date(now.getTime() - 60 * 60_000 + 1_000);
    expect(rateLimitDecision({ earlierHits: [justInside], now, limit: 1, windowMinutes: 60 })).toEqual({ allowed: false, retryAfterMinutes: 1 });
    const ninetySecondsLeft = new Date(now.getTime() - 60 * 60_000 + 90_000);
    expect(rateLimitDecision({ earlierHits: [ninetySecondsLeft], now, limit: 1, windowMinutes: 60 })).toEqual({ allowed: false, retryAfterMinutes: 2 });
  });

  it("words the wait for a person", () => {
    expect(tryAgainMessage(1)).toBe("Too many password reset attempts. Try again in 1 minute.");
    expect(tryAgainMessage(12)).toBe("Too many password reset attempts. Try again in 12 minutes.");
  });
});
