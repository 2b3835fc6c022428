export type CodeInputResult = { ok: true; code: string } | { ok: false; message: string };

/**
 * Normalises what a person typed (spaces, dashes, as codes are often read out in groups) and
 * requires exactly `digits` ASCII digits (C4). The code stays a string: "012345" is valid.
 */
export function normaliseCodeInput(options: { input: unknown; digits: number }): CodeInputResult {
  if (typeof options.input !== "string") {
    return { ok: false, message: `Enter the ${options.digits}-digit code shown on your device.` };
  }
  const code = options.input.replace(/[\s\-\u00a0]/g, "");
  if (!new RegExp(`^[0-9]{${options.digits}}$`).test(code)) {
    return {
      ok: false,
      message: `The code must be exactly ${options.digits} digits (0–9). Enter the code currently shown on your device.`,
    };
  }
  return { ok: true, code };
}
