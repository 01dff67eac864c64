import { FmlConfigError } from '../../errors';
import type {
  InputFieldDefinition,
  InputFieldDependency,
  OutputFieldDefinition,
  WorkflowActionDefinition,
} from './definition-types';
import type { ActionLabels } from './labels';

// HubSpot's new developer platform defines a workflow action as a file in the app project,
// src/app/workflow-actions/<name>-hsmeta.json, deployed with `hs project upload`; apps on that platform
// cannot call the definitions API. This turns the same definition into that file.

/** Options of {@link workflowActionHsMeta}. */
export interface WorkflowActionHsMetaOptions {
  /**
   * The component's unique id in the project: letters, digits, `_` and `-`, at most 64 characters. Keep
   * it stable — HubSpot matches the action across uploads by it.
   */
  uid: string;
}

/** The `*-hsmeta.json` project file of a workflow action. */
export interface WorkflowActionHsMeta {
  uid: string;
  type: 'workflow-action';
  config: {
    actionUrl: string;
    isPublished: boolean;
    supportedClients: { client: 'WORKFLOWS' }[];
    inputFields: InputFieldDefinition[];
    inputFieldDependencies?: InputFieldDependency[];
    outputFields: OutputFieldDefinition[];
    objectTypes: string[];
    objectRequestOptions: { properties: string[] };
    labels: Record<string, ActionLabels>;
    [key: string]: unknown;
  };
}

const UID = /^[A-Za-z0-9_-]{1,64}$/;
// Fields of the API definition that the project file spells differently or does not have.
const NOT_CARRIED = new Set(['published', 'functions', 'id', 'revisionId', 'archivedAt']);

/**
 * The developer-platform project file (`src/app/workflow-actions/<name>-hsmeta.json`) for the same
 * definition `workflowActionDefinition()` builds for the API: `{ uid, type: "workflow-action", config:
 * { actionUrl, isPublished, supportedClients: [{ client: "WORKFLOWS" }], inputFields, …, labels } }`,
 * with the same inputs, dependencies, outputs, object types, object properties and labels. Write it
 * with `JSON.stringify(file, null, 2)` (or `fml-publish-workflow-action --hsmeta <file>`), then deploy
 * with `hs project upload`.
 *
 * Throws {@link FmlConfigError} for a bad `uid`, or for a definition with `functions`: the project
 * file has no place for them, and dropping them silently would change what the action does.
 */
export function workflowActionHsMeta(
  definition: WorkflowActionDefinition,
  options: WorkflowActionHsMetaOptions,
): WorkflowActionHsMeta {
  if (typeof definition !== 'object' || definition === null || typeof definition.actionUrl !== 'string')
    throw new FmlConfigError('workflowActionHsMeta needs the definition from workflowActionDefinition().');
  const uid = options?.uid;
  if (typeof uid !== 'string' || !UID.test(uid))
    throw new FmlConfigError(
      `workflowActionHsMeta: uid must be 1–64 letters, digits, "_" or "-" (it identifies the action in the project), got ${JSON.stringify(uid)}.`,
    );
  if (Array.isArray(definition.functions) && definition.functions.length > 0)
    throw new FmlConfigError(
      'workflowActionHsMeta: the definition has functions, which a developer-platform project file does not carry; remove them, or publish with publishWorkflowAction instead.',
    );
  const copy = structuredClone(definition) as Record<string, unknown>;
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(copy))
    if (
      !NOT_CARRIED.has(key) &&
      ![
        'actionUrl',
        'inputFields',
        'inputFieldDependencies',
        'outputFields',
        'objectTypes',
        'objectRequestOptions',
        'labels',
      ].includes(key)
    )
      rest[key] = copy[key];
  return {
    uid,
    type: 'workflow-action',
    config: {
      actionUrl: definition.actionUrl,
      isPublished: definition.published === true,
      supportedClients: [{ client: 'WORKFLOWS' }],
      inputFields: copy.inputFields as InputFieldDefinition[],
      ...(Array.isArray(copy.inputFieldDependencies) && copy.inputFieldDependencies.length
        ? { inputFieldDependencies: copy.inputFieldDependencies as InputFieldDependency[] }
        : {}),
      outputFields: copy.outputFields as OutputFieldDefinition[],
      objectTypes: copy.objectTypes as string[],
      objectRequestOptions: copy.objectRequestOptions as { properties: string[] },
      labels: copy.labels as Record<string, ActionLabels>,
      ...rest,
    },
  };
}
