/** Caps on one token upload (S5), overridable for large estates. */
export function uploadLimits(): { maxBytes: number; maxRows: number; maxPskcBytes: number } {
  const number = (name: string, fallback: number) => {
    const value = Number(process.env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return {
    maxBytes: number("TOKEN_UPLOAD_MAX_BYTES", 32 * 1024 * 1024),
    maxRows: number("TOKEN_UPLOAD_MAX_ROWS", 200_000),
    // PSKC is parsed as one XML document, so it gets a smaller cap than streamed CSV.
    maxPskcBytes: number("TOKEN_UPLOAD_MAX_PSKC_BYTES", 8 * 1024 * 1024),
  };
}

export function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** Results of an upload are kept this long, then purged. */
export const UPLOAD_RESULT_DAYS = 30;
