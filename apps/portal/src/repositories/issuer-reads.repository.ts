import { Injectable } from '@nestjs/common';
import { snapshotColumns, type AdmissionSnapshot } from './admission.repository.js';
import type { StoredPayload } from './oidc-payload.repository.js';
import { PreparedQueries } from './prepared.js';
import {
  SESSION_WITH_ACCOUNT_COLUMNS,
  sessionWithAccount,
  type SessionWithAccount,
} from './session.repository.js';

type Payload = Record<string, unknown>;

/** What the authorization endpoint reads about a browser that already has an issuer session. */
export interface AuthorizationReads {
  /** The issuer session, when it exists and has not expired. */
  opSession?: Payload;
  /** The issuer's grant that session records for the client, when it exists and has not expired. */
  opGrant?: Payload;
  /** The portal session the portal cookie names. */
  portalSession?: SessionWithAccount;
  /** Access of the issuer session's account on the node. */
  admission: AdmissionSnapshot;
}

/** What the token endpoint reads with the code it redeems. */
export interface TokenReads {
  code: StoredPayload;
  /** The issuer session the code was issued in, when it still exists. */
  opSession?: { id: string; payload: Payload };
  /** The code's grant, when it still exists. */
  opGrant?: Payload;
  /** Access of the code's account on the node. */
  admission: AdmissionSnapshot;
}

// Account ids are uuids; a text column holding anything else must deny access, not fail the statement.
const asUuid = (text: string) =>
  `(CASE WHEN ${text} ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (${text})::uuid END)`;
const live = (alias: string, now: string) => `(${alias}.expires_at IS NULL OR ${alias}.expires_at > ${now})`;

/**
 * The issuer's hot path in as few round trips as it takes: each endpoint of the code flow reads
 * everything it decides on in one statement (the rows are the ones the single-purpose queries of
 * OidcPayloadRepository, SessionRepository and AdmissionRepository read, from one snapshot).
 */
@Injectable()
export class IssuerReadsRepository {
  constructor(private readonly prepared: PreparedQueries) {}

  /**
   * The issuer session `opSessionId`, the grant it records for `clientId`, the portal session
   * `portalSessionId` with its account's status, and the session account's access on `nodeId`.
   */
  async forAuthorization(keys: {
    opSessionId: string;
    portalSessionId: string | null;
    clientId: string;
    nodeId: string | null;
    now: Date;
  }): Promise<AuthorizationReads> {
    const [row] = await this.prepared.rows<Record<string, never>>(
      'issuer_authorization_reads',
      `SELECT op.payload AS op_session, g.payload AS op_grant, ${SESSION_WITH_ACCOUNT_COLUMNS}, snap.*
       FROM (SELECT 1) one
       LEFT JOIN oidc_payloads op ON op.model = 'Session' AND op.id = $1 AND ${live('op', '$5')}
       LEFT JOIN oidc_payloads g
         ON g.model = 'Grant' AND g.id = op.payload->'authorizations'->$3::text->>'grantId' AND ${live('g', '$5')}
       LEFT JOIN portal_sessions s ON s.id = $2
       LEFT JOIN accounts a ON a.id = s.account_id
       CROSS JOIN LATERAL (SELECT ${snapshotColumns('k.account', '$4::uuid')}
         FROM (SELECT ${asUuid('op.account_id')} AS account) k) snap`,
      [keys.opSessionId, keys.portalSessionId, keys.clientId, keys.nodeId, keys.now],
    );
    return {
      opSession: row!.op_session ?? undefined,
      opGrant: row!.op_grant ?? undefined,
      portalSession: sessionWithAccount(row),
      admission: snapshotOf(row!),
    };
  }

  /**
   * Reads a code and marks it consumed in one statement, under a row lock (so of two requests
   * racing with one code exactly one finds it fresh), with the issuer session it was issued in,
   * its grant and its account's access on `nodeId`. `code.consumedAt` is when an earlier request
   * consumed it, or null when this one did.
   */
  async forToken(keys: { codeId: string; nodeId: string; now: Date }): Promise<TokenReads | undefined> {
    const [row] = await this.prepared.rows<Record<string, never>>(
      'issuer_token_reads',
      `WITH earlier AS (
         SELECT consumed_at FROM oidc_payloads
         WHERE model = 'AuthorizationCode' AND id = $1 AND (expires_at IS NULL OR expires_at > $2) FOR UPDATE),
       code AS (
         UPDATE oidc_payloads SET consumed_at = coalesce(oidc_payloads.consumed_at, $2)
         FROM earlier WHERE model = 'AuthorizationCode' AND id = $1
         RETURNING payload, earlier.consumed_at AS consumed_before)
       SELECT code.payload, code.consumed_before, op.id AS op_session_id, op.payload AS op_session,
         g.payload AS op_grant, snap.*
       FROM code
       LEFT JOIN oidc_payloads op
         ON op.model = 'Session' AND op.uid = code.payload->>'sessionUid' AND ${live('op', '$2')}
       LEFT JOIN oidc_payloads g ON g.model = 'Grant' AND g.id = code.payload->>'grantId' AND ${live('g', '$2')}
       CROSS JOIN LATERAL (SELECT ${snapshotColumns('k.account', '$3::uuid')}
         FROM (SELECT ${asUuid("code.payload->>'accountId'")} AS account) k) snap
       LIMIT 1`,
      [keys.codeId, keys.now, keys.nodeId],
    );
    if (!row) return undefined;
    return {
      code: { payload: row.payload, consumedAt: row.consumed_before },
      opSession: row.op_session_id ? { id: row.op_session_id, payload: row.op_session } : undefined,
      opGrant: row.op_grant ?? undefined,
      admission: snapshotOf(row),
    };
  }
}

function snapshotOf(row: Record<string, never>): AdmissionSnapshot {
  return { account: row.account, groups: row.groups, grant: row.grant, mappings: row.mappings };
}
