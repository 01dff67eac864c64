/** Options of `startFakeHubSpotAutomation`. */
export interface FakeHubSpotAutomationOptions {
  /** The app's client secret: signs every execution request. Required. */
  appSecret: string;
  /**
   * The bearer token the callbacks API accepts, for every portal; or one per portal id.
   * @default a random `pat-na1-…` (read `accessToken`)
   */
  accessToken?: string | Record<string, string>;
  /**
   * The developer API key the definitions API accepts as `hapikey`.
   * @default a random key (read `developerApiKey`)
   */
  developerApiKey?: string;
  /**
   * The app id the definitions API serves.
   * @default "424242"
   */
  appId?: string;
  /**
   * The port to listen on.
   * @default 0 (an ephemeral port)
   */
  port?: number;
  /**
   * The address to listen on.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * Clock for request timestamps and block expiry, in epoch ms.
   * @default Date.now
   */
  now?: () => number;
  /**
   * The largest API request body accepted, in bytes (413 past it).
   * @default 1048576
   */
  maxBodyBytes?: number;
  /**
   * A fake CRM to pass `/crm/…` requests on to (e.g. `startFakeHubSpot()`; give both the same token).
   * @default undefined (`/crm/…` answers 404)
   */
  crm?: { url: string };
}

/** How to send one field option fetch. */
export interface FetchOptionsOptions {
  /** The field's `optionsUrl` as this machine reaches it. */
  optionsUrl: string;
  /** The URL to sign, when it differs (the public URL in front of a proxy). @default optionsUrl */
  signedUrl?: string;
  /** @default 7654321 */
  portalId?: number;
  /** Values of the fields already filled in, as HubSpot sends them. @default {} */
  inputFields?: Record<
    string,
    { type: 'STATIC_VALUE'; value: unknown } | { type: 'OBJECT_PROPERTY'; propertyName: string }
  >;
  /** The user's search text and paging cursor. @default undefined (none sent) */
  fetchOptions?: { q?: string; after?: string };
  /** @default "v3" (v3 and v2 headers, as HubSpot sends) */
  signature?: ExecuteActionOptions['signature'];
  /** Sign with this secret instead of the app's (a forged request). @default the app secret */
  signWith?: string;
  /** HubSpot's docs name the origin both ways. @default "origin" */
  originField?: 'origin' | 'requestOrigin';
}

/** How to execute the action once. */
export interface ExecuteActionOptions {
  /** Where to POST (the action URL as this machine reaches it). */
  actionUrl: string;
  /** The URL to sign, when it differs — the public URL in front of a proxy. @default actionUrl */
  signedUrl?: string;
  /** @default 7654321 */
  portalId?: number;
  /** The enrolled Company's id. @default a new id per call */
  objectId?: number | string;
  /** @default "COMPANY" */
  objectType?: string;
  /** The Company's properties (`objectRequestOptions`). @default {} */
  properties?: Record<string, string>;
  /** The inputs, as resolved for this Company. @default {} */
  inputFields?: Record<string, unknown>;
  /** Reuse a callbackId to redeliver an execution. @default a new one */
  callbackId?: string;
  /**
   * How to sign: `v3` sends the v3 headers and, as HubSpot does, the v2 ones too; `v3-only` only v3;
   * `v2`, `v1`, or `none`.
   * @default "v3"
   */
  signature?: 'v3' | 'v3-only' | 'v2' | 'v1' | 'none';
  /** The `X-HubSpot-Request-Timestamp` (epoch ms). @default the stand-in's clock (`now`) */
  timestamp?: number;
  /**
   * Sign with this secret instead of the app's (a forged request).
   * @default the app secret
   */
  signWith?: string;
  /**
   * The body to send instead of the execution JSON (signed as given).
   * @default the execution request built from the other options
   */
  rawBody?: string;
  /**
   * Changes the body after signing (a tampered request).
   * @default undefined (the body is sent as signed)
   */
  tamper?: (body: string) => string;
  /** HubSpot's docs use both names for the origin. @default "origin" */
  originField?: 'origin' | 'requestOrigin';
}

/** The action's answer to one execution. */
export interface ExecutionResult {
  callbackId: string;
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or the text. */
  body: unknown;
  /** The execution request that was sent (parsed), for assertions. */
  request: Record<string, unknown> | undefined;
}

/** One accepted completion of a blocked execution. */
export interface RecordedCompletion {
  callbackId: string;
  portalId: string;
  outputFields: Record<string, string>;
  /** Which endpoint completed it. */
  via: 'single' | 'batch';
  at: number;
}

/** One callbacks- or definitions-API request, as answered. Holds no token. */
export interface AutomationApiRequest {
  method: string;
  path: string;
  /** The automation API version the path belongs to; undefined for other paths (e.g. `/crm/…`). */
  apiVersion: '2026-03' | 'v4' | undefined;
  status: number;
  auth: 'bearer' | 'hapikey' | 'none';
  body: unknown;
}

/** A stored action definition. */
export interface FakeActionDefinition extends Record<string, unknown> {
  id: string;
  revisionId: string;
  actionUrl: string;
  published: boolean;
}
