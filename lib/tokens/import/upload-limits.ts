import { setting } from "../../shared/config";

/** Caps on one token upload (S5), overridable for large estates. */
export function uploadLimits(): { maxBytes: number; maxRows: number; maxPskcBytes: number } {
  return {
    maxBytes: setting("TOKEN_UPLOAD_MAX_BYTES"),
    maxRows: setting("TOKEN_UPLOAD_MAX_ROWS"),
    // PSKC is parsed as one XML document, so it gets a smaller cap than streamed CSV.
    maxPskcBytes: setting("TOKEN_UPLOAD_MAX_PSKC_BYTES"),
  };
}

export function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** Results of an upload are kept this long, then purged. */
export const UPLOAD_RESULT_DAYS = 30;
