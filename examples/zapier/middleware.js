'use strict';
// Every API request carries the session's bearer token; FML's error answers become Zapier errors that
// say what to do. Zapier shows `message` to the user, so it names the FML error code and field list.
// 401 and 429 never reach handleErrors: with session auth the platform itself turns a 401 into
// RefreshAuthError (it mints a new token and retries) and a 429 into ThrottledError with Retry-After.

const addBearer = (request, _z, bundle) => {
  if (bundle.authData?.accessToken && !request.headers.authorization) {
    request.headers.authorization = `Bearer ${bundle.authData.accessToken}`;
  }
  request.headers.accept = request.headers.accept || 'application/json';
  return request;
};

const fieldList = (fields) => {
  if (Array.isArray(fields)) return fields.map((f) => `${f.field || f.path}: ${f.message || f.code}`).join('; ');
  if (fields && typeof fields === 'object')
    return Object.entries(fields)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
  return '';
};

const handleErrors = (response, z) => {
  // The token call handles its own answer (authentication.js).
  if (response.request.url.endsWith('/v1/oauth/token')) return response;
  const body = (() => {
    try {
      return typeof response.data === 'object' && response.data !== null
        ? response.data
        : JSON.parse(response.content || '{}');
    } catch {
      return {};
    }
  })();
  const code = body.error || body.code;
  const requestId = response.getHeader('x-request-id');
  const suffix = requestId ? ` (FML request id ${requestId})` : '';
  if (response.status === 403) {
    throw new z.errors.Error(
      `The FML client lacks a scope for this step (${code || 'insufficient_scope'}): add it in the FML console${suffix}.`,
      code || 'insufficient_scope',
      403,
    );
  }
  if (response.status === 400) {
    const fields = fieldList(body.fields);
    throw new z.errors.Error(
      `FML refused the input (${code || 'validation_error'})${fields ? `: ${fields}` : body.message ? `: ${body.message}` : ''}${suffix}.`,
      code || 'validation_error',
      400,
    );
  }
  if (response.status === 409) {
    throw new z.errors.Error(
      `This Idempotency-Key was already used on another FML endpoint (${code || 'idempotency_key_conflict'}): set a different key${suffix}.`,
      code || 'idempotency_key_conflict',
      409,
    );
  }
  return response;
};

module.exports = { addBearer, handleErrors };
