import { FmlConfigError } from '../../errors';

// Every path of HubSpot's automation API the SDK calls, per API version, in one place. HubSpot moved the
// workflow action definitions and callbacks to date-versioned paths (2026-03); the /automation/v4 ones
// are filed under its legacy docs and stay reachable with { apiVersion: 'v4' }.

/**
 * The automation API version: `'2026-03'` (HubSpot's current, date-versioned paths) or `'v4'` (the
 * legacy `/automation/v4/...` paths, for apps that still need them).
 */
export type AutomationApiVersion = '2026-03' | 'v4';

/** The default automation API version. */
export const DEFAULT_AUTOMATION_API_VERSION: AutomationApiVersion = '2026-03';

/** The paths of one automation API version. Ids are URL-encoded here. */
export interface AutomationPaths {
  readonly version: AutomationApiVersion;
  /** The app's action definitions: create (POST) and list (GET). */
  definitions(appId: string): string;
  /** One definition: read (GET), update (PATCH), archive (DELETE). */
  definition(appId: string, definitionId: string): string;
  /** Complete one blocked execution (POST). */
  completeOne(callbackId: string): string;
  /** Complete up to 100 blocked executions (POST). */
  completeBatch(): string;
  /** Whether a path is a callbacks path of this version (for the 403 hint). */
  isCallbacks(path: string): boolean;
}

const e = encodeURIComponent;

const PATHS: Record<AutomationApiVersion, AutomationPaths> = {
  '2026-03': {
    version: '2026-03',
    definitions: (appId) => `/automation/actions/2026-03/${e(appId)}`,
    definition: (appId, definitionId) => `/automation/actions/2026-03/${e(appId)}/${e(definitionId)}`,
    completeOne: (callbackId) => `/automation/actions/callbacks/2026-03/${e(callbackId)}/complete`,
    completeBatch: () => '/automation/actions/callbacks/2026-03/complete',
    isCallbacks: (path) => path.startsWith('/automation/actions/callbacks/'),
  },
  v4: {
    version: 'v4',
    definitions: (appId) => `/automation/v4/actions/${e(appId)}`,
    definition: (appId, definitionId) => `/automation/v4/actions/${e(appId)}/${e(definitionId)}`,
    completeOne: (callbackId) => `/automation/v4/actions/callbacks/${e(callbackId)}/complete`,
    completeBatch: () => '/automation/v4/actions/callbacks/complete',
    isCallbacks: (path) => path.startsWith('/automation/v4/actions/callbacks/'),
  },
};

/**
 * The automation API paths for `apiVersion`. Throws {@link FmlConfigError} for an
 * unknown version, so a typo fails at configuration time, not as a HubSpot 404.
 */
export function automationPaths(
  apiVersion: AutomationApiVersion | undefined = DEFAULT_AUTOMATION_API_VERSION,
): AutomationPaths {
  const paths = Object.hasOwn(PATHS, apiVersion) ? PATHS[apiVersion] : undefined;
  if (!paths)
    throw new FmlConfigError(
      `HubSpot apiVersion must be "2026-03" (current) or "v4" (legacy), got ${JSON.stringify(apiVersion)}.`,
    );
  return paths;
}
