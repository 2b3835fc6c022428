import path from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { encryptSecret, secretFingerprint, seedSealingKeys } from "../../crypto/secret-box";
import type { ParsedRow } from "../token-file-row";
import { projectRoot } from "../../db/schema-files";
import { logger } from "../../shared/logger";

/** A seed as the inventory keeps it: encrypted (S4), plus the keyed fingerprint "already present" compares. */
export type SealedSeed = { encryptedSecret: string; secretFingerprint: string };

/** The seeds of one batch being sealed; `result` lines up with the batch's rows (failed rows: undefined). */
export type SealingBatch = { result(): (SealedSeed | undefined)[] };

export interface SeedSealer {
  /** Starts sealing a batch's seeds (in the worker thread, if there is one) and returns at once. */
  seal(rows: ParsedRow[]): SealingBatch;
  /** How many parts (of up to 500 seeds) the worker thread has sealed and handed back so far. */
  partsSealedInWorker(): number;
  close(): void;
}

/** Seeds per piece of work: small enough that whichever thread is free picks up the next piece. */
const PART_SEEDS = 500;
/** Claim slots, reused in turn; far more than the parts ever in flight (a few batches'). */
const SLOTS = 4096;
const UNCLAIMED = 0;
const CLAIMED_BY_WORKER = 1;
const CLAIMED_HERE = 2;

/**
 * The worker thread's file: plain JavaScript beside this module, sealing with the same functions
 * as encryptSecret and secretFingerprint (lib/crypto/seal-primitives.mjs). Found from the project's
 * folder, not from this module's location: the Next.js build rewrites that (`/ROOT/...`), while the
 * portal always runs from its checkout (every command finds the folder the same way).
 */
function workerFile(): string {
  return path.join(/*turbopackIgnore: true*/ projectRoot, "lib", "tokens", "import", "seed-sealing-worker.mjs");
}

type Part = { id: number; slot: number; secrets: Buffer[]; sealed?: SealedSeed[] };

function sealHere(secrets: Buffer[]): SealedSeed[] {
  return secrets.map((secret) => ({ encryptedSecret: encryptSecret(secret), secretFingerprint: secretFingerprint(secret) }));
}

/**
 * Seals seeds for an import. With `inWorker`, a worker thread seals the batches queued ahead
 * while the import parses and commits (on a second core: AES-GCM and the fingerprints were a
 * third of the import's time). The import never waits for the thread: when it needs a batch, it
 * takes what the thread has handed back and seals the rest itself — so a thread starved of CPU
 * by other work costs at most one part done twice. If the thread can't start or fails,
 * everything is sealed in the import's thread: slower, same result.
 */
export function openSeedSealer(options: { inWorker: boolean }): SeedSealer {
  const claims = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const inWorker = new Map<number, Part>();
  let worker: Worker | null = null;
  let results: MessagePort | null = null;
  let nextPart = 0;
  let sealedInWorker = 0;

  /** Takes what the thread has handed back so far, without waiting. */
  const collect = () => {
    for (let message = results && receiveMessageOnPort(results); message; message = results && receiveMessageOnPort(results)) {
      const { id, sealed } = message.message as { id: number; sealed: string[] };
      const part = inWorker.get(id);
      if (!part) continue;
      inWorker.delete(id);
      sealedInWorker += 1;
      part.sealed = Array.from({ length: sealed.length / 2 }, (_, at) => ({ encryptedSecret: sealed[2 * at], secretFingerprint: sealed[2 * at + 1] }));
    }
  };
  const stop = () => {
    const stopping = worker;
    worker = null;
    inWorker.clear();
    results?.close();
    results = null;
    void stopping?.terminate();
  };

  if (options.inWorker) {
    try {
      const { port1, port2 } = new MessageChannel();
      worker = new Worker(workerFile(), {
        workerData: { ...seedSealingKeys(), claims: claims.buffer, port: port2, unclaimed: UNCLAIMED, claimedByWorker: CLAIMED_BY_WORKER },
        transferList: [port2],
      });
      results = port1;
      // A finished import must not wait for the thread, nor a CLI stay alive because of it.
      worker.unref();
      worker.on("error", (error) => {
        logger().error({ err: error }, "The seed sealing thread failed; sealing in the import's thread instead");
        stop();
      });
    } catch (error) {
      logger().error({ err: error }, "The seed sealing thread could not start; sealing in the import's thread instead");
      stop();
    }
  }

  return {
    seal(rows) {
      const secrets: Buffer[] = [];
      for (const parsed of rows) if (parsed.ok) secrets.push(parsed.row.secret);
      const parts: Part[] = [];
      for (let at = 0; at < secrets.length; at += PART_SEEDS) {
        const id = nextPart++;
        parts.push({ id, slot: id % SLOTS, secrets: secrets.slice(at, at + PART_SEEDS) });
      }
      if (worker && results) {
        const messages = parts.map((part) => {
          Atomics.store(claims, part.slot, UNCLAIMED);
          inWorker.set(part.id, part);
          const lengths = Int32Array.from(part.secrets, (secret) => secret.length);
          // A buffer of its own: a message copies all the memory behind a view, and small
          // Buffers share Node's pool with other data.
          const seeds = Buffer.allocUnsafeSlow(lengths.reduce((sum, length) => sum + length, 0));
          let offset = 0;
          for (const secret of part.secrets) offset += secret.copy(seeds, offset);
          return { id: part.id, slot: part.slot, seeds, lengths };
        });
        results.postMessage(messages);
      }
      return {
        result() {
          collect();
          for (const part of parts) {
            if (part.sealed) continue;
            // Not reached by the thread yet (it will skip it now), or still in its hands: sealed here.
            Atomics.compareExchange(claims, part.slot, UNCLAIMED, CLAIMED_HERE);
            inWorker.delete(part.id);
            part.sealed = sealHere(part.secrets);
          }
          const sealed = parts.flatMap((part) => part.sealed!);
          let at = 0;
          return rows.map((parsed) => (parsed.ok ? sealed[at++] : undefined));
        },
      };
    },
    partsSealedInWorker() {
      collect();
      return sealedInWorker;
    },
    close: stop,
  };
}
