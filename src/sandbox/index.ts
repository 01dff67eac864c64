/**
 * `@firstmilelabs/cases/sandbox`: a local FML API for tests and demos — OAuth, cases, events, signed
 * webhooks with retries, rate limits, idempotency and fault switches, on a real HTTP server.
 */
export { startSandbox, Sandbox, SandboxClientCredentials } from './sandbox';
export type { CreateClientOptions, SandboxCaseView, WaitForDeliveriesOptions } from './sandbox';
export type { SandboxOptions, RateLimitOption, RequestLogEntry, DeliveryLogEntry } from './options';
export type { WebhookEndpoint, WebhookEndpointOptions } from './core';
export type { SandboxFaults, FaultKind, FaultMatch, FaultSpec, FaultRule } from './faults';
export type { FaultCount } from './shell/fault-engine';
export type { Delivery, DeliveryAttempt } from './webhook-delivery';
export type { AdvanceSpec } from './lifecycle';
export type { SandboxCase, SandboxEvent, Page } from './types';
export {
  startFakeHubSpot,
  type FakeHubSpot,
  type FakeHubSpotOptions,
  type FakeCompany,
  type FakePropertyDefinition,
  type FakeHubSpotRequest,
  type FakeFaultMatch,
  type FakeFaultKind,
  type FakeFaultRule,
  type FakeRateLimitFault,
  type FakeServerErrorFault,
  type FakeRouteHandler,
  type FakeRouteRequest,
  type FakeRouteResponse,
} from './fake-hubspot';
export {
  startFakeHubSpotAutomation,
  FakeHubSpotAutomation,
  type FakeHubSpotAutomationOptions,
  type ExecuteActionOptions,
  type ExecutionResult,
  type RecordedCompletion,
  type AutomationApiRequest,
  type FakeActionDefinition,
  type FetchOptionsOptions,
} from './fake-hubspot-automation';
export { signWebhookBody } from '../webhooks/sign';
