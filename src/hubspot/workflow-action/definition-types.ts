import type { WorkflowActionFunction } from './functions';
import type { ActionLabels, HubSpotLanguage } from './labels';

// The shapes of HubSpot's custom workflow action definition (automation API v4, date-versioned), and the
// options ./definition.ts builds one from.

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
  /**
   * Where HubSpot fetches this field's options while a user edits the action, instead of a static
   * `options` list (see `createFieldOptionsHandler`).
   */
  optionsUrl?: string;
  [key: string]: unknown;
}

/**
 * Makes inputs wait for another one in the workflow editor (seed 004, example 3): `SINGLE_FIELD` — the
 * dependents can be filled in once the controlling field has a value; `CONDITIONAL_SINGLE_FIELD` — they
 * are shown only while the controlling field has `controllingFieldValue`.
 */
export type InputFieldDependency =
  | { dependencyType: 'SINGLE_FIELD'; controllingFieldName: string; dependentFieldNames: string[] }
  | {
      dependencyType: 'CONDITIONAL_SINGLE_FIELD';
      controllingFieldName: string;
      controllingFieldValue: string;
      dependentFieldNames: string[];
    };

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

/** The body of `POST /automation/actions/2026-03/{appId}` (and of `PATCH …/{definitionId}`; v4 alike). */
export interface WorkflowActionDefinition {
  actionUrl: string;
  published: boolean;
  objectTypes: string[];
  objectRequestOptions: { properties: string[] };
  inputFields: InputFieldDefinition[];
  inputFieldDependencies?: InputFieldDependency[];
  outputFields: OutputFieldDefinition[];
  labels: Record<string, ActionLabels>;
  functions: WorkflowActionFunction[];
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
  /**
   * Where HubSpot fetches the options of the inputs that list this portal's Company properties
   * (`contactEmailProperty`, `contactNameProperty`); each field's `optionsUrl` is this URL with
   * `fieldOptions=<field>` added to its query. The workflow action handler serves these fetches at its
   * own URL, so the default needs nothing more; point it elsewhere only to serve them with a separate
   * `createFieldOptionsHandler`.
   * @default actionUrl
   */
  optionsUrl?: string;
  /**
   * More input dependencies, after the shipped one (the wait limit shows only when "Wait for FML's
   * decision" is Yes). Each must name inputs of the action.
   * @default []
   */
  inputFieldDependencies?: readonly InputFieldDependency[];
}
