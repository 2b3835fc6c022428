import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { decryptSecret, secretFingerprint } from "../../../lib/crypto/secret-box";
import { openSeedSealer, type SealedSeed } from "../../../lib/tokens/import/seed-sealer";
import type { ParsedRow } from "../../../lib/tokens/token-file-row";

function tokenRow(line: number, secret: Buffer): ParsedRow {
  return {
    ok: true,
    row: { line, serialNumber: `S${line}`, upn: null, secret, period: 30, digits: 6, algorithm: "SHA1", t0: 0, manufacturer: "Feitian", model: "c200", original: {} },
  };
}

function failedRow(line: number): ParsedRow {
  return { ok: false, failure: { line, serialNumber: `S${line}`, reason: "The secret key is missing.", original: {} } };
}

/** 1,200 seeds of three lengths (three parts of work), with a failed row every 100 rows. */
function batch(): { rows: ParsedRow[]; secrets: Buffer[] } {
  const rows: ParsedRow[] = [];
  const secrets: Buffer[] = [];
  for (let line = 2; secrets.length < 1200; line++) {
    if (line % 100 === 0) {
      rows.push(failedRow(line));
      continue;
    }
    const secret = crypto.randomBytes([20, 32, 64][line % 3]);
    secrets.push(secret);
    rows.push(tokenRow(line, secret));
  }
  return { rows, secrets };
}

/** Every token row's seed sealed as encryptSecret and secretFingerprint would, each with its own IV. */
function expectSealedLike(rows: ParsedRow[], sealed: (SealedSeed | undefined)[]) {
  expect(sealed).toHaveLength(rows.length);
  const ivs = new Set<string>();
  for (const [at, parsed] of rows.entries()) {
    if (!parsed.ok) {
      expect(sealed[at]).toBeUndefined();
      continue;
    }
    const seal = sealed[at]!;
    expect(decryptSecret(seal.encryptedSecret)).toEqual(parsed.row.secret);
    expect(seal.secretFingerprint).toBe(secretFingerprint(parsed.row.secret));
    // encryptSecret's format: version and key id, then base64 of a 12-byte IV, a 16-byte tag, the ciphertext.
    expect(seal.encryptedSecret).toMatch(/^v2:[0-9a-f]{8}:[A-Za-z0-9+/]+=*$/);
    const raw = Buffer.from(seal.encryptedSecret.split(":")[2], "base64");
    expect(raw).toHaveLength(12 + 16 + parsed.row.secret.length);
    expect(raw.includes(parsed.row.secret)).toBe(false);
    ivs.add(raw.subarray(0, 12).toString("hex"));
  }
  expect(ivs.size).toBe(rows.filter((parsed) => parsed.ok).length);
}

describe("seed sealer: the worker thread seals exactly as the import's own thread", () => {
  it("seals in the worker thread: every seed opens with decryptSecret, same fingerprints, fresh IVs, failed rows skipped", async () => {
    const { rows } = batch();
    const sealer = openSeedSealer({ inWorker: true });
    try {
      const sealing = sealer.seal(rows);
      // Let the thread seal all three parts before asking, so none is sealed here instead.
      for (let waited = 0; sealer.partsSealedInWorker() < 3 && waited < 20_000; waited += 20) await sleep(20);
      expect(sealer.partsSealedInWorker()).toBe(3);
      expectSealedLike(rows, sealing.result());
    } finally {
      sealer.close();
    }
  });

  it("seals the parts the worker hasn't handed back in the calling thread, in order, without waiting", async () => {
    const first = batch();
    const second = batch();
    const sealer = openSeedSealer({ inWorker: true });
    try {
      const sealings = [sealer.seal(first.rows), sealer.seal(second.rows)];
      // Asked at once: the thread is still starting, so most or all parts are sealed here.
      expectSealedLike(first.rows, sealings[0].result());
      expectSealedLike(second.rows, sealings[1].result());
    } finally {
      sealer.close();
    }
  });

  it("seals in the calling thread when asked to (small imports)", async () => {
    const { rows } = batch();
    const sealer = openSeedSealer({ inWorker: false });
    expectSealedLike(rows, sealer.seal(rows).result());
    expect(sealer.partsSealedInWorker()).toBe(0);
    sealer.close();
  });
});
