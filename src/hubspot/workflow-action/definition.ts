import { FmlConfigError } from '../../errors';
import { DEFAULT_OBJECT_PROPERTIES, INPUT_FIELDS, OUTPUT_FIELDS } from './fields';
import { HUBSPOT_LANGUAGES, mergeLabels, shippedLabels, type ActionLabels, type HubSpotLanguage } from './labels';

/** Where an input's value may come from in the workflow editor. */
export type SupportedValueType = 'STATIC_VALUE' | 'OBJECT_PROPERTY' | (string & {});

/** One select option. */
export interface FieldOption {
  value: string;
  label: string;
  /** @default the order given */
  displayOrder?: number;
}

/** A field's type (HubSpot's `FieldTypeDefinition`). */
export interface FieldTypeDefinition {
  name: string;
  type: 'string' | 'number' | 'bool' | 'enumeration' | 'datetime' | 'date' | (string & {});
  fieldType?: 'text' | 'textarea' | 'select' | 'booleancheckbox' | 'number' | (string & {});
  options?: FieldOption[];
  [key: string]: unknown;
}

/** One input of the action. */
export interface InputFieldDefinition {
  typeDefinition: FieldTypeDefinition;
  supportedValueTypes: SupportedValueType[];
  isRequired: boolean;
}

/** One output of the action. */
export interface OutputFieldDefinition {
  typeDefinition: FieldTypeDefinition;
}

/** The body of `POST /automation/v4/actions/{appId}` (and of `PATCH …/{definitionId}`). */
export interface WorkflowActionDefinition {
  actionUrl: string;
  published: boolean;
  objectTypes: string[];
  objectRequestOptions: { properties: string[] };
  inputFields: InputFieldDefinition[];
  outputFields: OutputFieldDefinition[];
  labels: Record<string, ActionLabels>;
  functions: unknown[];
  [key: string]: unknown;
}

/** Options of {@link workflowActionDefinition}. */
export interface WorkflowActionDefinitionOptions {
  /**
   * The HTTPS URL HubSpot POSTs each execution to: where `createWorkflowActionHandler` is served.
   * `http://localhost` / `127.0.0.1` are accepted for local testing only (HubSpot requires HTTPS).
   */
  actionUrl: string;
  /**
   * Whether customers who install the app see the action. Unpublished actions show only in the app's
   * developer test portals.
   * @default false
   */
  published?: boolean;
  /**
   * The shipped languages to include.
   * @default every language HubSpot supports: en, fr, de, ja, es, pt-br, nl
   */
  languages?: readonly HubSpotLanguage[];
  /**
   * Labels to add or change, per language (`{ en: { actionName: 'Run KYB' }, it: { … } }`). Merged over
   * the shipped ones key by key; a language the SDK does not ship must give at least `actionName`.
   * @default {}
   */
  labels?: Record<string, Partial<ActionLabels>>;
  /**
   * Company properties HubSpot sends with every execution (`objectRequestOptions.properties`). The
   * handler reads `name`, `country` and `domain` as fallbacks for empty inputs; add others your own
   * code needs.
   * @default ["name", "country", "domain"]
   */
  objectProperties?: readonly string[];
}

const BOTH: SupportedValueType[] = ['OBJECT_PROPERTY', 'STATIC_VALUE'];
const text = (name: string, isRequired: boolean): InputFieldDefinition => ({ typeDefinition: { name, type: 'string', fieldType: 'text' }, supportedValueTypes: BOTH, isRequired });
const yesNo = (name: string): InputFieldDefinition => ({
  // An enumeration rather than `bool`: HubSpot renders it as a plain Yes/No select, and an OBJECT_PROPERTY
  // mapping to a checkbox property still arrives as "true"/"false".
  typeDefinition: { name, type: 'enumeration', fieldType: 'select', options: [{ value: 'true', label: 'Yes', displayOrder: 0 }, { value: 'false', label: 'No', displayOrder: 1 }] },
  supportedValueTypes: BOTH,
  isRequired: false,
});
const output = (name: string): OutputFieldDefinition => ({ typeDefinition: { name, type: 'string', fieldType: 'text' } });

/**
 * The "Start FML KYB case" action definition, ready for `POST /automation/v4/actions/{appId}` (or
 * {@link publishWorkflowAction}). Company workflows only; inputs for the contact's email (required) and
 * name, the company's name and country (each a static value or a Company property), "send invite" and
 * "wait for decision"; outputs `caseId`, `customerPortalUrl`, `status`, `decision`, `errorCode`,
 * `errorMessage`; labels in every language HubSpot supports.
 *
 * Throws {@link FmlConfigError} when the options would make a definition HubSpot rejects (no HTTPS URL,
 * a label language without `actionName`, a card placeholder naming no input).
 */
export function workflowActionDefinition(options: WorkflowActionDefinitionOptions): WorkflowActionDefinition {
  const actionUrl = checkActionUrl(options?.actionUrl);
  if (options.published !== undefined && typeof options.published !== 'boolean') throw new FmlConfigError('workflowActionDefinition: published must be true or false.');
  const languages = options.languages ?? HUBSPOT_LANGUAGES;
  for (const language of languages) {
    if (!HUBSPOT_LANGUAGES.includes(language)) throw new FmlConfigError(`workflowActionDefinition: "${String(language)}" is not a language the SDK ships labels for (${HUBSPOT_LANGUAGES.join(', ')}); add its labels with { labels: { "${String(language)}": { … } } }.`);
  }
  if (!languages.includes('en')) throw new FmlConfigError('workflowActionDefinition: HubSpot requires English labels, so languages must include "en".');
  const objectProperties = [...(options.objectProperties ?? DEFAULT_OBJECT_PROPERTIES)];
  if (!objectProperties.every((p) => typeof p === 'string' && p.trim() !== '')) throw new FmlConfigError('workflowActionDefinition: objectProperties must be non-empty property names.');

  const inputFields: InputFieldDefinition[] = [
    text(INPUT_FIELDS.contactEmail, true),
    text(INPUT_FIELDS.contactName, false),
    text(INPUT_FIELDS.companyName, false),
    text(INPUT_FIELDS.country, false),
    yesNo(INPUT_FIELDS.sendInvite),
    yesNo(INPUT_FIELDS.waitForDecision),
  ];
  const labels = buildLabels(languages, options.labels ?? {});
  const definition: WorkflowActionDefinition = {
    actionUrl,
    published: options.published ?? false,
    objectTypes: ['COMPANY'],
    objectRequestOptions: { properties: [...new Set(objectProperties.map((p) => p.trim()))] },
    inputFields,
    outputFields: Object.values(OUTPUT_FIELDS).map(output),
    labels,
    functions: [],
  };
  assertDefinitionConsistent(definition);
  return definition;
}

function checkActionUrl(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new FmlConfigError('workflowActionDefinition needs { actionUrl }: the HTTPS URL your action handler is served at.');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new FmlConfigError(`workflowActionDefinition: actionUrl is not a URL: ${JSON.stringify(value)}.`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) throw new FmlConfigError(`workflowActionDefinition: HubSpot only calls HTTPS action URLs, got ${JSON.stringify(url.origin)}.`);
  return value.trim();
}

function buildLabels(languages: readonly HubSpotLanguage[], extra: Record<string, Partial<ActionLabels>>): Record<string, ActionLabels> {
  const out: Record<string, ActionLabels> = {};
  const set = (language: string, labels: ActionLabels) => Object.defineProperty(out, language, { value: labels, enumerable: true, writable: true, configurable: true });
  for (const language of languages) set(language, shippedLabels(language));
  for (const language of Object.keys(extra)) {
    const given = extra[language];
    if (typeof given !== 'object' || given === null) throw new FmlConfigError(`workflowActionDefinition: labels.${language} must be an object of labels.`);
    const prior = Object.prototype.hasOwnProperty.call(out, language) ? out[language] : undefined;
    const merged = mergeLabels(prior, given);
    if (typeof merged.actionName !== 'string' || merged.actionName.trim() === '') throw new FmlConfigError(`workflowActionDefinition: labels.${language} needs an actionName.`);
    set(language, merged);
  }
  return out;
}

/** `{{name}}` placeholders in an action card text. */
export function cardPlaceholders(content: string): string[] {
  return [...content.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)].map((m) => m[1]!);
}

/**
 * Checks what HubSpot cannot check until a user opens the action: every input has an English label,
 * and every `{{placeholder}}` in an action card names an input.
 */
export function assertDefinitionConsistent(definition: WorkflowActionDefinition): void {
  const inputs = new Set(definition.inputFields.map((f) => f.typeDefinition.name));
  const english = definition.labels.en;
  if (!english) throw new FmlConfigError('The action definition has no English labels; HubSpot requires them.');
  for (const name of inputs) {
    const label = english.inputFieldLabels?.[name];
    if (typeof label !== 'string' || label.trim() === '') throw new FmlConfigError(`The action definition has no English label for input "${name}" (labels.en.inputFieldLabels.${name}).`);
  }
  for (const language of Object.keys(definition.labels)) {
    const content = definition.labels[language]?.actionCardContent;
    if (typeof content !== 'string') continue;
    for (const name of cardPlaceholders(content)) {
      if (!inputs.has(name)) throw new FmlConfigError(`labels.${language}.actionCardContent uses {{${name}}}, which is not one of the action's inputs (${[...inputs].join(', ')}).`);
    }
  }
}
