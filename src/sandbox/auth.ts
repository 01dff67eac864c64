import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from './ids';
import type { ClientRecord, SandboxState, TokenRecord } from './state';
import { ALL_SCOPES } from './types';

/** What a new client gets unless told otherwise. */
export interface NewClient {
  orgId: string;
  /** @default every documented scope */
  scopes?: readonly string[];
  clientId?: string;
  clientSecret?: string;
}

export function createClientRecord(state: SandboxState, init: NewClient): ClientRecord {
  const record: ClientRecord = {
    clientId: init.clientId ?? `pk_test_${randomToken(12)}`,
    clientSecret: init.clientSecret ?? `sk_test_${randomToken(24)}`,
    orgId: init.orgId,
    scopes: [...(init.scopes ?? ALL_SCOPES)],
    revoked: false,
  };
  state.clients.set(record.clientId, record);
  return record;
}

// Compare digests so the comparison takes the same time whatever the lengths.
const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** The client these credentials name, or undefined when the id is unknown, the secret wrong or the client revoked. */
export function authenticateClient(
  state: SandboxState,
  clientId: string,
  clientSecret: string,
): ClientRecord | undefined {
  const client = state.clients.get(clientId);
  if (!client || client.revoked || !sameSecret(client.clientSecret, clientSecret)) return undefined;
  return client;
}

/** Space-separated scope text → distinct scope names. */
export const parseScopes = (text: string): string[] => [...new Set(text.split(' ').filter(Boolean))];

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Mints a JWT-shaped access token. Its payload is readable like a real JWT, but the sandbox treats the
 * token as opaque: it is honoured only while it sits in the token table, which is how revocation and
 * `expireTokens()` take effect at once.
 */
export function mintToken(
  state: SandboxState,
  client: ClientRecord,
  scopes: string[],
  nowMs: number,
  ttlSeconds: number,
): string {
  for (const [token, rec] of state.tokens) if (rec.expiresAt <= nowMs) state.tokens.delete(token);
  const iat = Math.floor(nowMs / 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT', kid: 'fml-sandbox' });
  const body = b64({
    iss: 'fml-sandbox',
    sub: client.clientId,
    org: client.orgId,
    scope: scopes.join(' '),
    iat,
    exp: iat + ttlSeconds,
    jti: randomToken(12),
  });
  const token = `${head}.${body}.${createHmac('sha256', state.signingKey).update(`${head}.${body}`).digest('base64url')}`;
  state.tokens.set(token, {
    clientId: client.clientId,
    orgId: client.orgId,
    scopes,
    expiresAt: nowMs + ttlSeconds * 1000,
  });
  return token;
}

export type BearerCheck = { ok: true; token: TokenRecord } | { ok: false; description: string };

/** Checks an `Authorization` header against the token table (RFC 6750 `invalid_token` semantics). */
export function verifyBearer(state: SandboxState, authorization: string | undefined, nowMs: number): BearerCheck {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match)
    return { ok: false, description: 'Send Authorization: Bearer <access_token> (mint one at POST /v1/oauth/token).' };
  const token = state.tokens.get(match[1] ?? '');
  if (!token) return { ok: false, description: 'The access token is unknown. Mint a new one at POST /v1/oauth/token.' };
  if (token.expiresAt <= nowMs)
    return { ok: false, description: 'The access token has expired. Mint a new one at POST /v1/oauth/token.' };
  const client = state.clients.get(token.clientId);
  if (!client || client.revoked) return { ok: false, description: 'The API client behind this token was revoked.' };
  return { ok: true, token };
}
