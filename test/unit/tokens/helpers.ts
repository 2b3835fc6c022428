// Shared by the token file tests: fixtures live in test/fixtures so the suite needs nothing outside
// the project.
import { readFileSync } from "node:fs";
import type { ParsedRow, RowFailure, TokenRow } from "../../../lib/tokens/token-file-row";

export type FixtureToken = {
  serial: string;
  period: number;
  digits: number;
  hash: string;
  manufacturer: string;
  model: string;
  secretHex: string;
  secretBase32: string;
};

export function fixture(relativePath: string): Buffer {
  return readFileSync(new URL(`../../fixtures/${relativePath}`, import.meta.url));
}

export const fixtureTokens: FixtureToken[] = JSON.parse(fixture("tokens.json").toString("utf8"));

export const pskcKeys: Record<string, { preSharedKeyHex?: string; passphrase?: string }> = JSON.parse(
  fixture("pskc/keys.json").toString("utf8"),
);

export function tokenBySerial(serial: string): FixtureToken {
  const token = fixtureTokens.find((candidate) => candidate.serial === serial);
  if (!token) throw new Error(`no fixture token ${serial}`);
  return token;
}

export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** Splits bytes into fixed-size chunks, to put chunk boundaries in awkward places. */
export async function* inChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

export function rowsOf(parsed: ParsedRow[]): TokenRow[] {
  return parsed.flatMap((result) => (result.ok ? [result.row] : []));
}

export function failuresOf(parsed: ParsedRow[]): RowFailure[] {
  return parsed.flatMap((result) => (result.ok ? [] : [result.failure]));
}

export function onlyRow(parsed: ParsedRow[]): TokenRow {
  if (parsed.length !== 1 || !parsed[0]?.ok) throw new Error(`expected one token row, got ${JSON.stringify(parsed)}`);
  return parsed[0].row;
}

export function onlyFailure(parsed: ParsedRow[]): RowFailure {
  if (parsed.length !== 1 || parsed[0]?.ok !== false) throw new Error(`expected one failure, got ${JSON.stringify(parsed)}`);
  return parsed[0].failure;
}

/** Runs a function expected to throw and returns the error, so tests can assert code and message. */
export async function caught(run: () => unknown): Promise<Error & { code?: string }> {
  try {
    await run();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected an error, none was thrown");
}
