import { FmlConfigError } from '../../errors';
import {
  BLOCK_EXPIRATIONS,
  DEFAULT_OBJECT_PROPERTIES,
  INPUT_FIELDS,
  OPTION_FETCH_FIELDS,
  OUTPUT_FIELDS,
} from './fields';
import { HUBSPOT_LANGUAGES, mergeLabels, type ActionLabels, type HubSpotLanguage } from './labels';
import { shippedLabels } from './shipped-labels';
import type {
  InputFieldDefinition,
  InputFieldDependency,
  OutputFieldDefinition,
  SupportedValueType,
  WorkflowActionDefinition,
  WorkflowActionDefinitionOptions,
} from './definition-types';

const BOTH: SupportedValueType[] = ['OBJECT_PROPERTY', 'STATIC_VALUE'];
const text = (name: string, isRequired: boolean): InputFieldDefinition => ({
  typeDefinition: { name, type: 'string', fieldType: 'text' },
  supportedValueTypes: BOTH,
  isRequired,
});
const yesNo = (name: string): InputFieldDefinition => ({
  // An enumeration rather than `bool`: HubSpot renders it as a plain Yes/No select, and an OBJECT_PROPERTY
  // mapping to a checkbox property still arrives as "true"/"false".
  typeDefinition: {
    name,
    type: 'enumeration',
    fieldType: 'select',
    options: [
      { value: 'true', label: 'Yes', displayOrder: 0 },
      { value: 'false', label: 'No', displayOrder: 1 },
    ],
  },
  supportedValueTypes: BOTH,
  isRequired: false,
});
const output = (name: string): OutputFieldDefinition => ({
  typeDefinition: { name, type: 'string', fieldType: 'text' },
});
// A choice among the portal's Company properties, fetched (and searched) while the user edits the action.
const propertyChoice = (name: string, optionsBase: string): InputFieldDefinition => ({
  typeDefinition: { name, type: 'enumeration', fieldType: 'select', optionsUrl: fieldOptionsUrl(optionsBase, name) },
  supportedValueTypes: ['STATIC_VALUE'],
  isRequired: false,
});
const blockExpiration = (): InputFieldDefinition => ({
  typeDefinition: {
    name: INPUT_FIELDS.blockExpiration,
    type: 'enumeration',
    fieldType: 'select',
    options: BLOCK_EXPIRATIONS.map((value, displayOrder) => ({
      value,
      label: shippedLabels('en').inputFieldOptionLabels?.[INPUT_FIELDS.blockExpiration]?.[value] ?? value,
      displayOrder,
    })),
  },
  supportedValueTypes: ['STATIC_VALUE'],
  isRequired: false,
});

/** The query parameter naming the field of an option fetch. */
export const FIELD_OPTIONS_PARAM = 'fieldOptions';

/** A field's `optionsUrl`: the options base URL with `fieldOptions=<field>` in its query. */
export function fieldOptionsUrl(base: string, field: string): string {
  const url = new URL(base);
  url.searchParams.set(FIELD_OPTIONS_PARAM, field);
  return url.toString();
}

/**
 * The "Start FML KYB case" action definition, ready for `POST /automation/actions/2026-03/{appId}` (or
 * {@link publishWorkflowAction}), or for a developer-platform project file (`workflowActionHsMeta`).
 * Company workflows only; inputs for the contact's email and name (each a static value or a Company
 * property — or, when left empty, read from the Company property chosen in `contactEmailProperty` /
 * `contactNameProperty`, whose options list the portal's own Company properties), the company's name
 * and country, "send invite", "wait for decision" and how long to wait (shown only when waiting);
 * outputs `caseId`, `customerPortalUrl`, `status`, `decision`, `errorCode`, `errorMessage`; labels in
 * every language HubSpot supports.
 *
 * Throws {@link FmlConfigError} when the options would make a definition HubSpot rejects (no HTTPS URL,
 * a label language without `actionName`, a card placeholder naming no input).
 */
export function workflowActionDefinition(options: WorkflowActionDefinitionOptions): WorkflowActionDefinition {
  const actionUrl = checkActionUrl(options?.actionUrl);
  if (options.published !== undefined && typeof options.published !== 'boolean')
    throw new FmlConfigError('workflowActionDefinition: published must be true or false.');
  const languages = options.languages ?? HUBSPOT_LANGUAGES;
  for (const language of languages) {
    if (!HUBSPOT_LANGUAGES.includes(language))
      throw new FmlConfigError(
        `workflowActionDefinition: "${String(language)}" is not a language the SDK ships labels for (${HUBSPOT_LANGUAGES.join(', ')}); add its labels with { labels: { "${String(language)}": { … } } }.`,
      );
  }
  if (!languages.includes('en'))
    throw new FmlConfigError(
      'workflowActionDefinition: HubSpot requires English labels, so languages must include "en".',
    );
  const objectProperties = [...(options.objectProperties ?? DEFAULT_OBJECT_PROPERTIES)];
  if (!objectProperties.every((p) => typeof p === 'string' && p.trim() !== ''))
    throw new FmlConfigError('workflowActionDefinition: objectProperties must be non-empty property names.');

  const optionsBase = options.optionsUrl === undefined ? actionUrl : checkActionUrl(options.optionsUrl, 'optionsUrl');
  const inputFields: InputFieldDefinition[] = [
    // Not required: an empty email is read from the Company property chosen in contactEmailProperty.
    text(INPUT_FIELDS.contactEmail, false),
    text(INPUT_FIELDS.contactName, false),
    text(INPUT_FIELDS.companyName, false),
    text(INPUT_FIELDS.country, false),
    yesNo(INPUT_FIELDS.sendInvite),
    yesNo(INPUT_FIELDS.waitForDecision),
    blockExpiration(),
    ...OPTION_FETCH_FIELDS.map((name) => propertyChoice(name, optionsBase)),
  ];
  const extraDependencies = options.inputFieldDependencies ?? [];
  if (!Array.isArray(extraDependencies))
    throw new FmlConfigError('workflowActionDefinition: inputFieldDependencies must be a list of dependencies.');
  const inputFieldDependencies: InputFieldDependency[] = [
    // The wait limit means nothing unless the workflow waits: show it only then.
    {
      dependencyType: 'CONDITIONAL_SINGLE_FIELD',
      controllingFieldName: INPUT_FIELDS.waitForDecision,
      controllingFieldValue: 'true',
      dependentFieldNames: [INPUT_FIELDS.blockExpiration],
    },
    ...extraDependencies.map((d) => structuredClone(d)),
  ];
  const labels = buildLabels(languages, options.labels ?? {});
  const definition: WorkflowActionDefinition = {
    actionUrl,
    published: options.published ?? false,
    objectTypes: ['COMPANY'],
    objectRequestOptions: { properties: [...new Set(objectProperties.map((p) => p.trim()))] },
    inputFields,
    inputFieldDependencies,
    outputFields: Object.values(OUTPUT_FIELDS).map(output),
    labels,
    functions: [],
  };
  assertDefinitionConsistent(definition);
  return definition;
}

function checkActionUrl(value: unknown, name: 'actionUrl' | 'optionsUrl' = 'actionUrl'): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new FmlConfigError(
      name === 'actionUrl'
        ? 'workflowActionDefinition needs { actionUrl }: the HTTPS URL your action handler is served at.'
        : 'workflowActionDefinition: optionsUrl must be the HTTPS URL option fetches are served at.',
    );
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new FmlConfigError(`workflowActionDefinition: ${name} is not a URL: ${JSON.stringify(value)}.`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local))
    throw new FmlConfigError(
      `workflowActionDefinition: HubSpot only calls HTTPS URLs, got ${name} ${JSON.stringify(url.origin)}.`,
    );
  return value.trim();
}

function buildLabels(
  languages: readonly HubSpotLanguage[],
  extra: Record<string, Partial<ActionLabels>>,
): Record<string, ActionLabels> {
  const out: Record<string, ActionLabels> = {};
  const set = (language: string, labels: ActionLabels) =>
    Object.defineProperty(out, language, { value: labels, enumerable: true, writable: true, configurable: true });
  for (const language of languages) set(language, shippedLabels(language));
  for (const language of Object.keys(extra)) {
    const given = extra[language];
    if (typeof given !== 'object' || given === null)
      throw new FmlConfigError(`workflowActionDefinition: labels.${language} must be an object of labels.`);
    const prior = Object.hasOwn(out, language) ? out[language] : undefined;
    const merged = mergeLabels(prior, given);
    if (typeof merged.actionName !== 'string' || merged.actionName.trim() === '')
      throw new FmlConfigError(`workflowActionDefinition: labels.${language} needs an actionName.`);
    set(language, merged);
  }
  return out;
}

/** `{{name}}` placeholders in an action card text. */
export function cardPlaceholders(content: string): string[] {
  return [...content.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)].map((m) => m[1] ?? '');
}

/**
 * Checks what HubSpot cannot check until a user opens the action: every input has an English label,
 * every `{{placeholder}}` in an action card names an input, and every input dependency names inputs
 * (a conditional one, a value the controlling field can take).
 */
export function assertDefinitionConsistent(definition: WorkflowActionDefinition): void {
  const inputs = new Set(definition.inputFields.map((f) => f.typeDefinition.name));
  for (const [i, d] of (definition.inputFieldDependencies ?? []).entries())
    checkDependency(d, i, definition.inputFields);
  const english = definition.labels.en;
  if (!english) throw new FmlConfigError('The action definition has no English labels; HubSpot requires them.');
  for (const name of inputs) {
    const label = english.inputFieldLabels?.[name];
    if (typeof label !== 'string' || label.trim() === '')
      throw new FmlConfigError(
        `The action definition has no English label for input "${name}" (labels.en.inputFieldLabels.${name}).`,
      );
  }
  for (const language of Object.keys(definition.labels)) {
    const content = definition.labels[language]?.actionCardContent;
    if (typeof content !== 'string') continue;
    for (const name of cardPlaceholders(content)) {
      if (!inputs.has(name))
        throw new FmlConfigError(
          `labels.${language}.actionCardContent uses {{${name}}}, which is not one of the action's inputs (${[...inputs].join(', ')}).`,
        );
    }
  }
}

function checkDependency(d: InputFieldDependency, i: number, fields: readonly InputFieldDefinition[]): void {
  const where = `inputFieldDependencies[${i}]`;
  if (typeof d !== 'object' || d === null) throw new FmlConfigError(`${where} must be an object.`);
  const byName = new Map(fields.map((f) => [f.typeDefinition.name, f]));
  if (d.dependencyType !== 'SINGLE_FIELD' && d.dependencyType !== 'CONDITIONAL_SINGLE_FIELD')
    throw new FmlConfigError(
      `${where}.dependencyType must be SINGLE_FIELD or CONDITIONAL_SINGLE_FIELD, got ${JSON.stringify((d as { dependencyType?: unknown }).dependencyType)}.`,
    );
  const controlling = byName.get(d.controllingFieldName);
  if (!controlling)
    throw new FmlConfigError(
      `${where}.controllingFieldName ${JSON.stringify(d.controllingFieldName)} is not one of the action's inputs (${[...byName.keys()].join(', ')}).`,
    );
  if (!Array.isArray(d.dependentFieldNames) || d.dependentFieldNames.length === 0)
    throw new FmlConfigError(`${where}.dependentFieldNames must list at least one input.`);
  for (const name of d.dependentFieldNames) {
    if (!byName.has(name))
      throw new FmlConfigError(
        `${where}.dependentFieldNames names ${JSON.stringify(name)}, which is not one of the action's inputs.`,
      );
    if (name === d.controllingFieldName)
      throw new FmlConfigError(`${where}: input ${JSON.stringify(name)} cannot depend on itself.`);
  }
  if (d.dependencyType === 'CONDITIONAL_SINGLE_FIELD') {
    if (typeof d.controllingFieldValue !== 'string')
      throw new FmlConfigError(
        `${where} is CONDITIONAL_SINGLE_FIELD, so it needs controllingFieldValue (the value that shows the dependents).`,
      );
    const values = controlling.typeDefinition.options?.map((o) => o.value);
    if (values && !values.includes(d.controllingFieldValue))
      throw new FmlConfigError(
        `${where}.controllingFieldValue ${JSON.stringify(d.controllingFieldValue)} is not an option of ${d.controllingFieldName} (${values.join(', ')}).`,
      );
  }
}
