import { digestSecret } from '@atrium/auth';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { storable } from '@atrium/server';
import type { AdmissionSnapshot } from '../repositories/admission.repository.js';
import type { IssuerReadsRepository } from '../repositories/issuer-reads.repository.js';
import type { StoredPayload } from '../repositories/oidc-payload.repository.js';
import type { SessionWithAccount } from '../repositories/session.repository.js';

type Payload = Record<string, unknown>;

export interface RequestReadsDeps {
  reads: IssuerReadsRepository;
  /** The name of the portal session cookie. */
  portalCookie(): string;
  nodeIdFor(clientId: string): Promise<string | undefined>;
  now(): Date;
}

/** What a request read ahead; each entry is handed out once, then that request reads afresh. */
interface ReadAhead {
  payloads: Map<string, Payload | undefined>;
  portalSession?: { value: SessionWithAccount | undefined };
  admission?: { accountId: string; nodeId: string; snapshot: AdmissionSnapshot };
}

const payloadKey = (model: string, id: string) => `${model}:${id}`;
const uidKey = (uid: string) => `Session.uid:${uid}`;

/**
 * Reads ahead on the code flow's two endpoints. oidc-provider asks its adapter for one row at a
 * time (the issuer session, then the grant; the code, then its session, then its grant) and the
 * portal's hooks ask for the portal session and the admission snapshot: ten round trips per flow.
 * The first read of each endpoint fetches all of them in one statement (IssuerReadsRepository)
 * and keeps the rest on the request, where the later reads take them. Nothing outlives the
 * request, so every decision is still made on rows read for it.
 */
export class RequestReads {
  private readonly byRequest = new WeakMap<object, ReadAhead>();

  constructor(private readonly deps: RequestReadsDeps) {}

  /**
   * The issuer session at the authorization endpoint, read with everything else that endpoint
   * decides on; `undefined` elsewhere (the adapter then reads the session alone).
   */
  async session(id: string): Promise<{ payload?: Payload } | undefined> {
    const ctx = Provider.ctx;
    const clientId =
      ctx?.method === 'GET' && ctx.oidc?.route === 'authorization' ? ctx.query.client_id : undefined;
    if (!ctx || typeof clientId !== 'string' || !storable(clientId)) return undefined;
    const token = ctx.cookies.get(this.deps.portalCookie(), { signed: false });
    const nodeId = await this.deps.nodeIdFor(clientId);
    const reads = await this.deps.reads.forAuthorization({
      opSessionId: id,
      portalSessionId: token && token.length <= 200 ? digestSecret(token) : null,
      clientId,
      nodeId: nodeId ?? null,
      now: this.deps.now(),
    });
    const ahead = this.ahead(ctx);
    ahead.portalSession = { value: reads.portalSession };
    const accountId = reads.opSession?.accountId;
    if (typeof accountId === 'string' && nodeId) ahead.admission = { accountId, nodeId, snapshot: reads.admission };
    const grantId = grantIdOf(reads.opSession, clientId);
    if (grantId) ahead.payloads.set(payloadKey('Grant', grantId), reads.opGrant);
    return { payload: reads.opSession };
  }

  /**
   * A code at the token endpoint, read and consumed with its session, its grant and its
   * account's access; `undefined` outside the token endpoint (the adapter then reads it alone).
   */
  async code(id: string): Promise<{ stored?: StoredPayload } | undefined> {
    const ctx = Provider.ctx;
    const clientId = ctx?.oidc?.route === 'token' ? ctx.oidc.client?.clientId : undefined;
    const nodeId = clientId ? await this.deps.nodeIdFor(clientId) : undefined;
    if (!ctx || !nodeId) return undefined;
    const reads = await this.deps.reads.forToken({ codeId: id, nodeId, now: this.deps.now() });
    if (!reads) return { stored: undefined };
    const ahead = this.ahead(ctx);
    const { payload } = reads.code;
    if (typeof payload.sessionUid === 'string')
      ahead.payloads.set(uidKey(payload.sessionUid), reads.opSession?.payload);
    if (typeof payload.grantId === 'string')
      ahead.payloads.set(payloadKey('Grant', payload.grantId), reads.opGrant);
    if (typeof payload.accountId === 'string')
      ahead.admission = { accountId: payload.accountId, nodeId, snapshot: reads.admission };
    return { stored: reads.code };
  }

  /** A payload this request read ahead (`{ payload: undefined }`: read, and not there). */
  take(model: string, id: string): { payload?: Payload } | undefined {
    return this.takePayload(payloadKey(model, id));
  }

  takeSessionByUid(uid: string): { payload?: Payload } | undefined {
    return this.takePayload(uidKey(uid));
  }

  /** The portal session this request read ahead (`{ value: undefined }`: read, and not there). */
  takePortalSession(ctx: KoaContextWithOIDC): { value: SessionWithAccount | undefined } | undefined {
    const ahead = this.byRequest.get(ctx);
    const found = ahead?.portalSession;
    if (ahead) ahead.portalSession = undefined;
    return found;
  }

  takeAdmission(ctx: KoaContextWithOIDC, accountId: string, nodeId: string): AdmissionSnapshot | undefined {
    const ahead = this.byRequest.get(ctx);
    const found = ahead?.admission;
    if (!found || found.accountId !== accountId || found.nodeId !== nodeId) return undefined;
    ahead.admission = undefined;
    return found.snapshot;
  }

  /** Forgets a payload read ahead: the request wrote or deleted it. */
  forget(model: string, id: string): void {
    const ctx = Provider.ctx;
    if (ctx) this.byRequest.get(ctx)?.payloads.delete(payloadKey(model, id));
  }

  private takePayload(key: string): { payload?: Payload } | undefined {
    const ctx = Provider.ctx;
    const payloads = ctx ? this.byRequest.get(ctx)?.payloads : undefined;
    if (!payloads?.has(key)) return undefined;
    const payload = payloads.get(key);
    payloads.delete(key);
    return { payload };
  }

  private ahead(ctx: object): ReadAhead {
    let ahead = this.byRequest.get(ctx);
    if (!ahead) {
      ahead = { payloads: new Map() };
      this.byRequest.set(ctx, ahead);
    }
    return ahead;
  }
}

function grantIdOf(session: Payload | undefined, clientId: string): string | undefined {
  const authorizations = session?.authorizations as Record<string, { grantId?: unknown }> | undefined;
  const grantId =
    authorizations && Object.hasOwn(authorizations, clientId) ? authorizations[clientId]?.grantId : undefined;
  return typeof grantId === 'string' ? grantId : undefined;
}
