import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import { currentSealPrefix, decryptSecret, encryptSecret, secretFingerprint, secretKeyIds, sealedKeyId } from "../crypto/secret-box";
import { isPostgres, type Database } from "../db/client";

/**
 * Key rotation of PORTAL_SECRET_KEY (README, Key rotation). Every sealed value records the key
 * that sealed it (`v2:<key id>:…`, lib/crypto/secret-box.ts); rotation re-seals, batch by batch,
 * every value not yet under the newest key. Each value is rewritten by one conditional update on
 * the sealed text it was read with, so a value changed meanwhile (a token deleted, an app
 * re-registered) is left alone, and a batch commits with its audit event or not at all: a
 * rotation killed at any point is resumed by running it again, and the portal keeps serving
 * (every listed key still opens what it sealed).
 */

/**
 * Where sealed values live: the seed of every hardware token and authenticator app, PSKC key
 * material of uploads, RADIUS clients' shared secrets and the OpenID Connect provider's private
 * signing keys.
 */
const SEALED_COLUMNS = [
  "hardwareToken.encryptedSecret",
  "authenticatorApp.encryptedSecret",
  "tokenImport.encryptedKeyMaterial",
  "radiusClient.sealedSecret",
  "oidcSigningKey.sealedPrivateJwk",
] as const;
export type SealedColumn = (typeof SEALED_COLUMNS)[number];

/** Since when the newest key is known to be current (stored at the first rotation run under it). */
const CURRENT_KEY_SETTING = "secretKey.current";

export type SealedValueCounts = {
  currentKeyId: string;
  /** Values not yet under the newest key, per column. */
  remaining: Record<SealedColumn, number>;
  /** Values not yet under the newest key, per key id that sealed them ("v1" = sealed before key ids were recorded). */
  byKey: Record<string, number>;
  totalRemaining: number;
};

type SealedRow = { id: string; sealed: string };

/** Reads up to `take` values of a column that are not under the newest key. */
async function valuesNotUnderCurrentKey(db: Database, column: SealedColumn, take: number, afterId?: string): Promise<SealedRow[]> {
  const prefix = { startsWith: currentSealPrefix() };
  const page = { orderBy: { id: "asc" as const }, take };
  const idAfter = afterId ? { id: { gt: afterId } } : {};
  switch (column) {
    case "hardwareToken.encryptedSecret":
      return (await db.hardwareToken.findMany({ ...page, where: { ...idAfter, NOT: { encryptedSecret: prefix } }, omit: { encryptedSecret: false } })).map((row) => ({ id: row.id, sealed: row.encryptedSecret }));
    case "authenticatorApp.encryptedSecret":
      return (await db.authenticatorApp.findMany({ ...page, where: { ...idAfter, NOT: { encryptedSecret: prefix } }, omit: { encryptedSecret: false } })).map((row) => ({ id: row.id, sealed: row.encryptedSecret }));
    case "tokenImport.encryptedKeyMaterial":
      return (await db.tokenImport.findMany({ ...page, where: { ...idAfter, encryptedKeyMaterial: { not: null }, NOT: { encryptedKeyMaterial: prefix } }, select: { id: true, encryptedKeyMaterial: true } })).map((row) => ({ id: row.id, sealed: row.encryptedKeyMaterial! }));
    case "radiusClient.sealedSecret":
      return (await db.radiusClient.findMany({ ...page, where: { ...idAfter, NOT: { sealedSecret: prefix } }, select: { id: true, sealedSecret: true } })).map((row) => ({ id: row.id, sealed: row.sealedSecret }));
    case "oidcSigningKey.sealedPrivateJwk":
      return (
        await db.oidcSigningKey.findMany({ orderBy: { kid: "asc" }, take, where: { ...(afterId ? { kid: { gt: afterId } } : {}), NOT: { sealedPrivateJwk: prefix } }, select: { kid: true, sealedPrivateJwk: true } })
      ).map((row) => ({ id: row.kid, sealed: row.sealedPrivateJwk }));
  }
}

/** How many sealed values still use a key other than the newest, per column and per key. */
export async function countSealedValues(options: { db: Database }): Promise<SealedValueCounts> {
  const remaining = {} as Record<SealedColumn, number>;
  const byKey: Record<string, number> = {};
  for (const column of SEALED_COLUMNS) {
    remaining[column] = 0;
    // Read in pages (only the prefix matters) so a large inventory is never held at once.
    let after: string | undefined;
    for (;;) {
      const rows = await valuesNotUnderCurrentKey(options.db, column, 5000, after);
      for (const row of rows) {
        const key = sealedKeyId(row.sealed) ?? "v1";
        byKey[key] = (byKey[key] ?? 0) + 1;
      }
      remaining[column] += rows.length;
      if (rows.length < 5000) break;
      after = rows[rows.length - 1].id;
    }
  }
  const totalRemaining = Object.values(remaining).reduce((sum, count) => sum + count, 0);
  return { currentKeyId: secretKeyIds().current, remaining, byKey, totalRemaining };
}

/** Table, sealed column and (for tokens) the keyed fingerprint column, as SQL names. */
const COLUMN_SQL: Record<SealedColumn, { table: string; column: string; fingerprint?: string; idColumn?: string }> = {
  "hardwareToken.encryptedSecret": { table: "HardwareToken", column: "encryptedSecret", fingerprint: "secretFingerprint" },
  "authenticatorApp.encryptedSecret": { table: "AuthenticatorApp", column: "encryptedSecret" },
  "tokenImport.encryptedKeyMaterial": { table: "TokenImport", column: "encryptedKeyMaterial" },
  "radiusClient.sealedSecret": { table: "RadiusClient", column: "sealedSecret" },
  "oidcSigningKey.sealedPrivateJwk": { table: "OidcSigningKey", column: "sealedPrivateJwk", idColumn: "kid" },
};

/**
 * Re-seals one batch with one UPDATE … FROM (VALUES …) (SQLite ≥ 3.33 and PostgreSQL), each row
 * only where it still holds the sealed text it was read with, in one transaction with its audit
 * event; returns how many values moved.
 */
async function resealBatch(db: Database, column: SealedColumn, rows: SealedRow[], actor: AuditActor): Promise<number> {
  const { table, column: sealedColumn, fingerprint, idColumn = "id" } = COLUMN_SQL[column];
  const values: string[] = [];
  for (const row of rows) {
    const plain = decryptSecret(row.sealed);
    // The fingerprint is keyed by the seed key too: "already present" at the next upload compares it.
    values.push(row.id, row.sealed, encryptSecret(plain), fingerprint ? secretFingerprint(plain) : "");
    plain.fill(0);
  }
  const postgres = isPostgres();
  let at = 0;
  const placeholder = () => (postgres ? `$${++at}` : "?");
  const tuples = rows.map(() => `(${[placeholder(), placeholder(), placeholder(), placeholder()].join(", ")})`).join(", ");
  const q = (name: string) => `"${name}"`;
  const set = [`${q(sealedColumn)} = v.column3`, ...(fingerprint ? [`${q(fingerprint)} = v.column4`] : [])].join(", ");
  const sql = `UPDATE ${q(table)} SET ${set} FROM (VALUES ${tuples}) AS v WHERE ${q(table)}.${q(idColumn)} = v.column1 AND ${q(table)}.${q(sealedColumn)} = v.column2`;
  return db.$transaction(async (tx) => {
    const resealed = await tx.$executeRawUnsafe(sql, ...values);
    await writeAuditEvent({
      db: tx,
      actor,
      action: "Re-seal secrets under the current key",
      target: { type: "secretKey", id: secretKeyIds().current, label: column },
      details: { column, resealed, keyId: secretKeyIds().current },
    });
    return resealed;
  });
}

/**
 * Re-seals every value not under the newest key, `batchSize` at a time (each batch its own
 * transaction). `onBatch` hears each committed batch (the CLI prints progress). Safe to run while
 * the portal serves and to run again after a crash: it continues with what is left.
 */
export async function resealUnderCurrentKey(options: {
  db: Database;
  actor: AuditActor;
  batchSize?: number;
  now?: Date;
  onBatch?: (progress: { column: SealedColumn; resealed: number }) => void;
}): Promise<{ resealed: number; counts: SealedValueCounts }> {
  const { db } = options;
  const batchSize = options.batchSize ?? 500;
  await recordCurrentKey({ db, now: options.now ?? new Date() });
  let resealed = 0;
  for (const column of SEALED_COLUMNS) {
    // In id order from where the last batch ended, so each batch reads only rows not seen yet (a
    // value skipped because it changed meanwhile is counted at the end; a rerun takes it).
    let after: string | undefined;
    for (;;) {
      const rows = await valuesNotUnderCurrentKey(db, column, batchSize, after);
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const moved = await resealBatch(db, column, rows, options.actor);
      resealed += moved;
      options.onBatch?.({ column, resealed: moved });
    }
  }
  return { resealed, counts: await countSealedValues({ db }) };
}

/** Notes when the newest key was first seen current: passes and codes hashed before then may use an older key. */
async function recordCurrentKey(options: { db: Database; now: Date }): Promise<{ keyId: string; since: Date }> {
  const keyId = secretKeyIds().current;
  const stored = await options.db.setting.findUnique({ where: { key: CURRENT_KEY_SETTING } });
  const parsed = stored ? (JSON.parse(stored.value) as { keyId: string; since: string }) : null;
  if (parsed?.keyId === keyId) return { keyId, since: new Date(parsed.since) };
  const value = JSON.stringify({ keyId, since: options.now.toISOString() });
  await options.db.setting.upsert({ where: { key: CURRENT_KEY_SETTING }, create: { key: CURRENT_KEY_SETTING, value }, update: { value } });
  return { keyId, since: options.now };
}

export type RetirementCheck = { allowed: true } | { allowed: false; reasons: string[] };

/**
 * Whether an older key may leave the list: nothing sealed may still use it (nor any `v1:` value,
 * which doesn't say its key), no stored upload may be encrypted under it, and no live Temporary
 * Access Pass or email code may be hashed with it (those issued before the newest key became
 * current are counted: their keyed hashes don't record the key).
 */
export async function checkKeyRetirement(options: { db: Database; keyId: string; now?: Date }): Promise<RetirementCheck> {
  const { db, keyId } = options;
  const now = options.now ?? new Date();
  const ids = secretKeyIds();
  if (keyId === ids.current) return { allowed: false, reasons: [`key ${keyId} is the newest key: it seals every new value`] };
  if (!ids.all.includes(keyId)) return { allowed: false, reasons: [`key ${keyId} is not in the configured list (${ids.all.join(", ")})`] };
  const reasons: string[] = [];
  const counts = await countSealedValues({ db });
  const sealedUnder = (counts.byKey[keyId] ?? 0) + (counts.byKey.v1 ?? 0);
  if (sealedUnder > 0) reasons.push(`${sealedUnder} sealed values still use it (or predate key ids): run npm run keys:rotate`);
  const uploads = await db.tokenImport.count({ where: { status: { in: ["receiving", "queued", "running"] }, NOT: { fileIv: { startsWith: `${ids.current}:` } } } });
  if (uploads > 0) reasons.push(`${uploads} token uploads stored under an older key are still importing: let them finish`);
  const { since } = await recordCurrentKey({ db, now });
  const passes = await db.temporaryAccessPass.count({ where: { expiresAt: { gt: now }, createdAt: { lt: since } } });
  if (passes > 0) reasons.push(`${passes} Temporary Access Passes issued before ${since.toISOString()} are still live: they expire, or issue new ones`);
  const codes = await db.emailOneTimeCode.count({ where: { usedAt: null, expiresAt: { gt: now }, createdAt: { lt: since } } });
  if (codes > 0) reasons.push(`${codes} email codes sent before ${since.toISOString()} are still live: wait until they expire (10 minutes)`);
  return reasons.length > 0 ? { allowed: false, reasons } : { allowed: true };
}
