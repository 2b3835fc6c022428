import { errors, type Adapter, type AdapterPayload } from "oidc-provider";
import { getDb } from "../db/client";

/** The models whose rows belong to a grant: revoking the grant deletes them all. */
const GRANTABLE = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode", "BackchannelAuthenticationRequest", "ClientCredentials"]);

function rowKey(model: string, id: string): string {
  return `${model}:${id}`;
}

function parsePayload(row: { payload: string; consumedAt: Date | null } | null): AdapterPayload | undefined {
  if (!row) return undefined;
  const payload = JSON.parse(row.payload) as AdapterPayload;
  return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
}

/**
 * oidc-provider's storage on the portal's database (one table for every model), so each instance
 * sees the same sessions, interactions, grants, codes and tokens. An expired row reads as absent.
 *
 * consume() is a conditional update: of two instances redeeming the same authorization code (or
 * rotating the same refresh token) at once, only one marks it consumed; the other gets
 * invalid_grant and everything issued under that grant is revoked — what oidc-provider itself does
 * when it sees a code that was already consumed.
 */
export class PrismaOidcAdapter implements Adapter {
  constructor(private readonly model: string) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const key = rowKey(this.model, id);
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    const data = {
      model: this.model,
      payload: JSON.stringify(payload),
      grantId: GRANTABLE.has(this.model) ? (payload.grantId ?? null) : this.model === "Grant" ? id : null,
      userCode: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expiresAt,
    };
    await getDb().oidcPayload.upsert({ where: { key }, create: { key, ...data }, update: data });
  }

  private async findWhere(where: { key: string } | { uid: string; model: string } | { userCode: string; model: string }): Promise<AdapterPayload | undefined> {
    const row = await getDb().oidcPayload.findFirst({ where });
    if (!row || (row.expiresAt && row.expiresAt <= new Date())) return undefined;
    return parsePayload(row);
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.findWhere({ key: rowKey(this.model, id) });
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere({ uid, model: this.model });
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere({ userCode, model: this.model });
  }

  async consume(id: string): Promise<void> {
    const db = getDb();
    const { count } = await db.oidcPayload.updateMany({ where: { key: rowKey(this.model, id), consumedAt: null }, data: { consumedAt: new Date() } });
    if (count === 1) return;
    const row = await db.oidcPayload.findUnique({ where: { key: rowKey(this.model, id) }, select: { grantId: true } });
    if (row?.grantId) await this.revokeByGrantId(row.grantId);
    throw new errors.InvalidGrant("grant already consumed");
  }

  async destroy(id: string): Promise<void> {
    await getDb().oidcPayload.deleteMany({ where: { key: rowKey(this.model, id) } });
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await getDb().oidcPayload.deleteMany({ where: { grantId } });
  }
}
