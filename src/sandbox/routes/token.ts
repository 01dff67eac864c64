import { authenticateClient, mintToken, parseScopes } from '../auth';
import type { SandboxCore } from '../core';
import { header, json, mediaType, oauthError, parseJson, type SandboxRequest, type SandboxResponse } from '../http-io';

interface TokenParams {
  grant_type?: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
}

const PARAMS = ['grant_type', 'client_id', 'client_secret', 'scope'] as const;

/** The body's token parameters (JSON or form), or an error description. */
function readParams(req: SandboxRequest): TokenParams | string {
  const type = mediaType(req.headers);
  const text = req.body.toString('utf8');
  const out: TokenParams = {};
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    for (const name of PARAMS) {
      const v = form.get(name);
      if (v !== null) out[name] = v;
    }
    return out;
  }
  if (type === 'application/json') {
    const parsed = parseJson(text);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value))
      return 'The body must be a JSON object.';
    const body = parsed.value as Record<string, unknown>;
    for (const name of PARAMS) {
      if (!Object.hasOwn(body, name) || body[name] === undefined) continue;
      const v = body[name];
      if (typeof v !== 'string') return `${name} must be a string.`;
      out[name] = v;
    }
    return out;
  }
  return 'Send the body as application/json or application/x-www-form-urlencoded.';
}

/** Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1: each part form-encoded). */
function basicCredentials(req: SandboxRequest): { id: string; secret: string } | undefined {
  const match = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header(req.headers, 'authorization') ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const part = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * `POST /v1/oauth/token`: client credentials in the body (JSON or form) or as HTTP Basic (what Postman
 * sends by default). Failed attempts count against the per-client token limit too.
 */
export function createToken(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  const params = readParams(req);
  if (typeof params === 'string') return oauthError(400, 'invalid_request', params);
  const basic = basicCredentials(req);
  if (basic && (params.client_id !== undefined || params.client_secret !== undefined)) {
    return oauthError(
      400,
      'invalid_request',
      'Send the client credentials either in the body or as HTTP Basic, not both.',
    );
  }
  const clientId = basic?.id ?? params.client_id;
  const clientSecret = basic?.secret ?? params.client_secret;

  if (clientId) {
    const rate = core.tokenLimiter.take(clientId, core.now());
    if (!rate.ok) {
      const description = `Token rate limit reached: ${rate.rule.limit} tokens per ${rate.rule.windowMs / 1000} s per client. Cache the token until it expires; retry after ${rate.retryAfterSeconds} s.`;
      return oauthError(429, 'rate_limited', description, { 'retry-after': String(rate.retryAfterSeconds) });
    }
  }
  if (!params.grant_type) return oauthError(400, 'invalid_request', 'grant_type is required (use client_credentials).');
  if (params.grant_type !== 'client_credentials')
    return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');

  const client = clientId && clientSecret ? authenticateClient(core.state, clientId, clientSecret) : undefined;
  if (!client) {
    const challenge: Record<string, string> = basic ? { 'www-authenticate': 'Basic realm="fml-sandbox"' } : {};
    return oauthError(401, 'invalid_client', 'The client id or secret is wrong, or the client was revoked.', challenge);
  }
  let scopes = client.scopes;
  if (params.scope !== undefined) {
    scopes = parseScopes(params.scope);
    const extra = scopes.filter((s) => !client.scopes.includes(s));
    if (extra.length || !scopes.length)
      return oauthError(
        400,
        'invalid_scope',
        extra.length ? `This client may not have: ${extra.join(' ')}.` : 'scope must name at least one scope.',
      );
  }
  const ttl = core.options.tokenTtlSeconds;
  const accessToken = mintToken(core.state, client, scopes, core.now(), ttl);
  core.persist();
  return json(
    200,
    { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope: scopes.join(' ') },
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );
}
