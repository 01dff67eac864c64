import type { SandboxCase, SandboxEvent } from './types';

/** A case plus what the API does not show: its tenant, creation order and onboarding stage. */
export interface CaseRecord {
  orgId: string;
  seq: number;
  stage: string;
  data: SandboxCase;
}

/** An emitted event in its tenant's feed. */
export interface EventRecord {
  orgId: string;
  seq: number;
  data: SandboxEvent;
}
