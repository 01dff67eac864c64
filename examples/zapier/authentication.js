'use strict';
// Session auth: Zapier's form of custom auth for credentials that are exchanged for a token. The user
// enters the client id and secret once; Zapier calls sessionConfig.perform to mint an access token,
// keeps it in authData.accessToken, and calls perform again when a request throws RefreshAuthError
// (our afterResponse does on a 401). So a token is minted once per hour per connection, not per
// call — FML allows 30 token requests a minute per client.

const DEFAULT_BASE_URL = 'https://www.firstmilelabs.com';

/** The API's origin for this connection: the field, without a trailing slash, else FML's. */
const baseUrl = (bundle) => String(bundle.authData?.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');

const getAccessToken = async (z, bundle) => {
  let response;
  try {
    response = await z.request({
      url: `${baseUrl(bundle)}/v1/oauth/token`,
      method: 'POST',
      // Form-encoded, the OAuth 2 default; FML takes JSON too.
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: {
        grant_type: 'client_credentials',
        client_id: bundle.authData.clientId,
        client_secret: bundle.authData.clientSecret,
      },
      skipThrowForStatus: true,
    });
  } catch (error) {
    // With session auth the platform turns every 401 into RefreshAuthError — on the token call that
    // would only loop. A 401 here means the credentials themselves are wrong.
    if (error.name !== 'RefreshAuthError') throw error;
    throw new z.errors.Error(
      'FML refused the client credentials (invalid_client): check the Client ID and Client Secret (FML console → Compliance Configuration → Public Pull API), and the API base URL.',
      'invalid_client',
      401,
    );
  }
  if (response.status === 400) {
    const body = response.data || {};
    throw new z.errors.Error(
      `FML refused the token request (${body.error || 400}): ${body.error_description || 'check the Client ID and Client Secret'}.`,
      body.error || 'invalid_request',
      400,
    );
  }
  response.throwForStatus();
  return { accessToken: response.data.access_token };
};

// The connection test: the cheapest authenticated call. Scope read:cases is what "Find case" needs.
const test = async (z, bundle) => {
  const response = await z.request({ url: `${baseUrl(bundle)}/v1/cases`, params: { limit: 1 } });
  return { ok: true, cases: response.data.data.length };
};

module.exports = {
  DEFAULT_BASE_URL,
  baseUrl,
  authentication: {
    type: 'session',
    fields: [
      {
        key: 'clientId',
        label: 'Client ID',
        required: true,
        helpText: 'From the FML console: Compliance Configuration → Public Pull API → New client (`pk_live_…`).',
      },
      {
        key: 'clientSecret',
        label: 'Client Secret',
        required: true,
        type: 'password',
        helpText:
          'Shown once when the client is created (`sk_live_…`). The client needs the scopes cases:write, read:cases and read:events.',
      },
      {
        key: 'baseUrl',
        label: 'API base URL',
        required: false,
        default: DEFAULT_BASE_URL,
        helpText: `Leave as ${DEFAULT_BASE_URL}. For a local sandbox (\`npx fml-sandbox\`) use its URL.`,
      },
    ],
    sessionConfig: { perform: getAccessToken },
    test,
    connectionLabel: '{{bundle.authData.clientId}}',
  },
};
