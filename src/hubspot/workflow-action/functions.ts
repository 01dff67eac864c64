// The contracts around an app-defined action's serverless functions and field option fetches, as seed
// 004 (HubSpot's custom workflow actions guide) documents them. Types only: a function's source is a
// string in the definition, run by HubSpot; these let it (and a test of it) be written against a type.

/** A function hook of an action definition. Unknown future hooks pass through as strings. */
export type WorkflowFunctionType =
  | 'PRE_ACTION_EXECUTION'
  | 'PRE_FETCH_OPTIONS'
  | 'POST_FETCH_OPTIONS'
  | 'POST_ACTION_EXECUTION'
  | (string & {});

/** One entry of a definition's `functions`. */
export interface WorkflowActionFunction {
  functionType: WorkflowFunctionType;
  /** For the option-fetch hooks: the input field the function serves. */
  id?: string;
  /** The function's source: `exports.main = function (event, callback) { … }`. */
  functionSource: string;
}

/** Which portal and action version a request comes from. The guide spells the version field both ways. */
export interface FunctionRequestOrigin {
  portalId: number;
  actionDefinitionId: number;
  actionDefinitionVersion?: number;
  actionDefinitionVersionId?: number;
}

/** An input's value as an option fetch sees it: typed in, or mapped to a property of the enrolled object. */
export type FetchedInputFieldValue =
  | { type: 'STATIC_VALUE'; value: unknown }
  | { type: 'OBJECT_PROPERTY'; propertyName: string };

/** The body HubSpot POSTs to a field's `optionsUrl` while a user edits the action (signed like executions). */
export interface FieldOptionsRequest {
  origin?: FunctionRequestOrigin;
  requestOrigin?: FunctionRequestOrigin;
  /** The field whose options are asked for, when HubSpot names it (else the URL does). */
  inputFieldName?: string;
  /** The fields the user has filled in so far. */
  inputFields?: Record<string, FetchedInputFieldValue>;
  /** The user's search text (`q`, when the answer said `searchable`) and the next page's cursor. */
  fetchOptions?: { q?: string; after?: string };
  [key: string]: unknown;
}

/** One fetched option. */
export interface FetchedFieldOption {
  label: string;
  value: string;
  description?: string;
}

/** What an option fetch answers (and what a POST_FETCH_OPTIONS function returns). */
export interface FieldOptionsResponse {
  options: FetchedFieldOption[];
  /** The cursor of the next page; absent on the last one. */
  after?: string;
  /** Whether HubSpot should offer a search box and send what the user types as `fetchOptions.q`. */
  searchable?: boolean;
}

/** The request a PRE_* function returns for HubSpot to send. */
export interface FunctionRequestOutput {
  /** The URL HubSpot calls. */
  webhookUrl: string;
  /** The request body. @default HubSpot's own JSON body */
  body?: string;
  /** Extra request headers. @default {} */
  httpHeaders?: Record<string, string>;
  /** @default "application/json" */
  contentType?: string;
  /** @default "application/json" */
  accept?: string;
  /** @default "POST" */
  httpMethod?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
}

/** The input of a PRE_FETCH_OPTIONS function. */
export interface PreFetchOptionsInput {
  requestOrigin: FunctionRequestOrigin;
  /** The field's configured `optionsUrl`. */
  webhookUrl: string;
  inputFields: Record<string, FetchedInputFieldValue>;
  fetchOptions?: { q?: string; after?: string };
}

/** The output of a PRE_FETCH_OPTIONS function. */
export type PreFetchOptionsOutput = FunctionRequestOutput;

/** The input of a POST_FETCH_OPTIONS function: your service's raw answer, to turn into options. */
export interface PostFetchOptionsInput {
  /** The field whose options were fetched. */
  fieldKey: string;
  /** Your service's response body, as text. */
  responseBody: string;
}

/** The output of a POST_FETCH_OPTIONS function. */
export type PostFetchOptionsOutput = FieldOptionsResponse;

/** The input of a PRE_ACTION_EXECUTION function: the execution request about to be sent. */
export interface PreActionExecutionInput {
  requestOrigin: FunctionRequestOrigin;
  object: { objectType: string; objectId: number; properties: Record<string, string> };
  /** Input name → resolved value. */
  inputFields: Record<string, unknown>;
  callbackId: string;
  /** The definition's `actionUrl`. */
  webhookUrl: string;
}

/** The output of a PRE_ACTION_EXECUTION function. */
export type PreActionExecutionOutput = FunctionRequestOutput;

/** A function's `exports.main` for a hook: `WorkflowFunctionMain<PostFetchOptionsInput, PostFetchOptionsOutput>`. */
export type WorkflowFunctionMain<Input, Output> = (event: Input, callback: (output: Output) => void) => void;
