// The app-defined workflow action "Start FML KYB case": its definition, the signed request handler that
// creates cases and blocks until FML decides, HubSpot request signatures, callbacks and the stores that
// remember blocked executions.

export { workflowActionDefinition, assertDefinitionConsistent, cardPlaceholders } from './definition';
export type {
  FieldOption,
  FieldTypeDefinition,
  InputFieldDefinition,
  InputFieldDependency,
  OutputFieldDefinition,
  SupportedValueType,
  WorkflowActionDefinition,
  WorkflowActionDefinitionOptions,
} from './definition-types';
export { HUBSPOT_LANGUAGES } from './labels';
export { shippedLabels } from './shipped-labels';
export type { ActionLabels, HubSpotLanguage } from './labels';
export {
  DEFAULT_OBJECT_PROPERTIES as WORKFLOW_ACTION_OBJECT_PROPERTIES,
  INPUT_FIELDS as WORKFLOW_ACTION_INPUTS,
  OUTPUT_FIELDS as WORKFLOW_ACTION_OUTPUTS,
} from './fields';
export type { InputFieldName as WorkflowActionInputName, OutputFieldName as WorkflowActionOutputName } from './fields';

export { decodeV3Url, hubSpotSignature, verifyHubSpotSignature } from './signature';
export type {
  HubSpotHeaders,
  HubSpotSignatureFailure,
  HubSpotSignatureParts,
  HubSpotSignatureResult,
  HubSpotSignatureVersion,
  VerifyHubSpotSignatureInput,
} from './signature';

export { createWorkflowActionHandler } from './handler';
export type { NodeActionRequest, NodeActionResponse, WorkflowActionHandler } from './handler';
export type {
  FmlCasesApi,
  WorkflowActionErrorContext,
  WorkflowActionHandlerOptions,
  WorkflowActionHubSpotOptions,
} from './options';
export type { FmlEventOptions, FmlEventResult } from './complete';
export { parseExecutionRequest } from './execution-request';
export type { ExecutionOrigin, ExecutionRequest, ParsedExecution } from './execution-request';
export { executionToCreateCase, portalCompanyKey } from './to-case';
export type { ActionInputDefaults, ExecutionCase } from './to-case';
export { DEFAULT_TERMINAL_STATUSES, outcomeOfCase, outcomeOfEvent } from './outcome';
export type { CaseOutcome } from './outcome';
export { isoDurationMs } from './duration';

export { completeCallbacks, isAlreadyCompleted } from './callbacks';
export type { CallbackCompletion, CompleteCallbacksOptions } from './callbacks';
// The one HubSpot sender lives in ../crm/http (shared with the write-back); this is its automation profile.
export { automationSender } from './hubspot-api';
export type { AutomationSend, HubSpotAutomationHttpOptions, HubSpotCredential } from './hubspot-api';
export type {
  HubSpotApiProfile,
  HubSpotCallOptions,
  HubSpotHttpOptions,
  HubSpotMethod,
  HubSpotResponse,
  HubSpotSend,
} from '../crm/http';
export { createMemoryCallbackStore } from './store';
export type { CallbackRecord, CallbackState, CallbackStore, OutputFields as WorkflowOutputFields } from './store';
export { createJsonFileCallbackStore } from './file-store';
export type { JsonFileCallbackStore, JsonFileCallbackStoreOptions } from './file-store';

export { publishWorkflowAction } from './publish';
export type { PublishWorkflowActionOptions, PublishWorkflowActionResult } from './publish';
export { runPublishWorkflowActionCli } from './publish-cli';
export type { PublishCliIo } from './publish-cli';
export { automationPaths, DEFAULT_AUTOMATION_API_VERSION } from './paths';
export type { AutomationApiVersion, AutomationPaths } from './paths';
export { DEFAULT_RETRY_AFTER_SECONDS } from './retry-later';
export type { RetryAfterSetting, RetryLaterReason } from './retry-later';
export { workflowActionHsMeta } from './hsmeta';
export type { WorkflowActionHsMeta, WorkflowActionHsMetaOptions } from './hsmeta';
export { createFieldOptionsHandler } from './field-options';
export type { FieldOptionsHandler, FieldOptionsHandlerOptions } from './field-options';
export { SignatureVersionNotice } from './signed-request';
export type { SignatureVersionCounts, SignedEndpointOptions, SignedEndpointReport } from './signed-request';
export type {
  FetchedFieldOption,
  FetchedInputFieldValue,
  FieldOptionsRequest,
  FieldOptionsResponse,
  FunctionRequestOrigin,
  FunctionRequestOutput,
  PostFetchOptionsInput,
  PostFetchOptionsOutput,
  PreActionExecutionInput,
  PreActionExecutionOutput,
  PreFetchOptionsInput,
  PreFetchOptionsOutput,
  WorkflowActionFunction,
  WorkflowFunctionMain,
  WorkflowFunctionType,
} from './functions';
export {
  BLOCK_EXPIRATIONS as WORKFLOW_ACTION_BLOCK_EXPIRATIONS,
  OPTION_FETCH_FIELDS as WORKFLOW_ACTION_OPTION_FIELDS,
} from './fields';
export { FIELD_OPTIONS_PARAM, fieldOptionsUrl } from './definition';
