// The import's seed-sealing thread (started by seed-sealer.ts): seals the parts of a token file's
// seeds it is sent, with the same functions the portal seals with (lib/crypto/seal-primitives.mjs),
// skipping a part the import's own thread has already claimed. Plain JavaScript, loaded by path,
// so it runs the same under `next start`, the tsx commands and Vitest.
import crypto from "node:crypto";
import { workerData } from "node:worker_threads";
import { fingerprintWithKey, sealWithKey } from "../../crypto/seal-primitives.mjs";

const { version, port, unclaimed, claimedByWorker } = workerData;
// Keys and seeds arrive as Uint8Arrays: Buffer views over the same memory.
const asBuffer = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const secretKey = asBuffer(workerData.secretKey);
const fingerprintKey = asBuffer(workerData.fingerprintKey);
const claims = new Int32Array(workerData.claims);
const prefix = `${version}:`;

port.on("message", (parts) => {
  for (const { id, slot, seeds, lengths } of parts) {
    if (Atomics.compareExchange(claims, slot, unclaimed, claimedByWorker) !== unclaimed) continue;
    const ivs = crypto.randomBytes(12 * lengths.length);
    const sealed = [];
    let at = 0;
    for (let i = 0; i < lengths.length; i++) {
      const plain = asBuffer(seeds.subarray(at, at + lengths[i]));
      at += lengths[i];
      sealed.push(sealWithKey(secretKey, ivs.subarray(12 * i, 12 * i + 12), plain, prefix));
      sealed.push(fingerprintWithKey(fingerprintKey, plain));
    }
    port.postMessage({ id, sealed });
  }
});
