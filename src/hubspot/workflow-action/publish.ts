import { FmlConfigError, FmlError } from '../../errors';
import type { WorkflowActionDefinition } from './definition-types';
import {
  automationSender,
  type AutomationSend,
  type HubSpotAutomationHttpOptions,
  type HubSpotCredential,
} from './hubspot-api';
import { automationPaths, type AutomationPaths } from './paths';

/** Options of {@link publishWorkflowAction}. */
export interface PublishWorkflowActionOptions extends HubSpotAutomationHttpOptions {
  /** The HubSpot app's id (developer account → the app → App ID). */
  appId: string | number;
  /** The definition to create or update, from `workflowActionDefinition()`. */
  definition: WorkflowActionDefinition;
  /**
   * A developer API key, sent as the `hapikey` query parameter. Give this or `accessToken`; when both
   * are given, this one is used.
   * @default undefined (then `accessToken` is required)
   */
  developerApiKey?: string;
  /**
   * A bearer token allowed to manage the app's actions. Give this or `developerApiKey`.
   * @default undefined (then `developerApiKey` is required)
   */
  accessToken?: string;
  /**
   * Update this definition (`PATCH`) instead of looking one up.
   * @default undefined (found by `actionUrl` when `matchExisting`, else a new one is created)
   */
  definitionId?: string;
  /**
   * Without `definitionId`, update the app's existing definition with the same `actionUrl` (so running
   * the publish script twice does not make a second action); `false` always creates a new one.
   * @default true
   */
  matchExisting?: boolean;
}

/** What {@link publishWorkflowAction} did. */
export interface PublishWorkflowActionResult {
  definitionId: string;
  /** true for a new definition (POST), false for an update (PATCH). */
  created: boolean;
  published: boolean;
  revisionId: string | undefined;
  /** HubSpot's answer, as sent. */
  response: Record<string, unknown>;
}

/**
 * Creates the action definition in the app (`POST /automation/actions/2026-03/{appId}`), or updates it
 * (`PATCH /automation/actions/2026-03/{appId}/{definitionId}`) when it is given or already exists with
 * the same `actionUrl`; `{ apiVersion: 'v4' }` uses the legacy `/automation/v4/actions/…` paths. Set
 * `definition.published` to make the action visible to installing customers. Apps on HubSpot's new
 * developer platform cannot use this API: write a project file with `workflowActionHsMeta` instead.
 */
export async function publishWorkflowAction(
  options: PublishWorkflowActionOptions,
): Promise<PublishWorkflowActionResult> {
  const appId = String(options?.appId ?? '').trim();
  if (!/^\d+$/.test(appId))
    throw new FmlConfigError(
      `publishWorkflowAction needs the numeric appId of your HubSpot app, got ${JSON.stringify(appId)}.`,
    );
  const { definition } = options;
  if (typeof definition !== 'object' || definition === null || typeof definition.actionUrl !== 'string')
    throw new FmlConfigError('publishWorkflowAction needs { definition } from workflowActionDefinition().');
  const credential: HubSpotCredential | undefined = options.developerApiKey
    ? { developerApiKey: options.developerApiKey }
    : options.accessToken
      ? { accessToken: options.accessToken }
      : undefined;
  if (!credential)
    throw new FmlConfigError(
      "publishWorkflowAction needs { developerApiKey } (your developer account's API key) or { accessToken } (is its environment variable unset?).",
    );
  const {
    appId: _a,
    definition: _d,
    developerApiKey: _k,
    accessToken: _t,
    definitionId: given,
    matchExisting,
    ...http
  } = options;
  const paths = automationPaths(http.apiVersion);
  const send = automationSender(credential, http);

  const definitionId =
    given ?? (matchExisting === false ? undefined : await findByActionUrl(send, paths, appId, definition.actionUrl));
  if (definitionId === undefined) {
    const res = await send<Record<string, unknown>>(
      'POST',
      paths.definitions(appId),
      definition,
      `create the action definition in app ${appId}`,
    );
    return resultOf(res.data, true);
  }
  // PATCH takes every field of the definition but `functions`, which have their own endpoints.
  const { functions: _f, ...patch } = definition;
  const res = await send<Record<string, unknown>>(
    'PATCH',
    paths.definition(appId, definitionId),
    patch,
    `update action definition ${definitionId} in app ${appId}`,
  );
  return resultOf(res.data, false, definitionId);
}

async function findByActionUrl(
  send: AutomationSend,
  paths: AutomationPaths,
  appId: string,
  actionUrl: string,
): Promise<string | undefined> {
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const query = `?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const res = await send<{ results?: unknown[]; paging?: { next?: { after?: string } } }>(
      'GET',
      `${paths.definitions(appId)}${query}`,
      undefined,
      "list the app's action definitions",
    );
    for (const item of res.data?.results ?? []) {
      const d = item as { id?: unknown; actionUrl?: unknown; archivedAt?: unknown };
      if (
        d.actionUrl === actionUrl &&
        (d.archivedAt === undefined || d.archivedAt === null || d.archivedAt === 0) &&
        (typeof d.id === 'string' || typeof d.id === 'number')
      )
        return String(d.id);
    }
    after = res.data?.paging?.next?.after;
    if (!after) return undefined;
  }
  return undefined;
}

function resultOf(
  data: Record<string, unknown> | undefined,
  created: boolean,
  knownId?: string,
): PublishWorkflowActionResult {
  const id = data?.id ?? knownId;
  if (typeof id !== 'string' && typeof id !== 'number')
    throw new FmlError('invalid_response', 'HubSpot answered without the definition id.');
  return {
    definitionId: String(id),
    created,
    published: data?.published === true,
    revisionId:
      typeof data?.revisionId === 'string' || typeof data?.revisionId === 'number'
        ? String(data.revisionId)
        : undefined,
    response: data ?? {},
  };
}
