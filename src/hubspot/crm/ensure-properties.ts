import { HubSpotApiError } from './errors';
import { hubSpotSender, type HubSpotConnectionOptions } from './http';
import { resolvePropertyNames, type CompanyPropertyOptions, type WriteBackRole } from './properties';

/** A Company property definition, as `POST /crm/v3/properties/companies` takes it. */
export interface CompanyPropertyDefinition {
  name: string;
  label: string;
  type: 'string' | 'datetime';
  fieldType: 'text' | 'date';
  groupName: string;
  description: string;
}

/** Options of {@link ensureCompanyProperties}. */
export interface EnsurePropertiesOptions extends HubSpotConnectionOptions, CompanyPropertyOptions {
  /**
   * The property group they go in.
   * @default "companyinformation"
   */
  groupName?: string;
  /**
   * Also create the recipe's input properties, `kyb_contact_email` and `kyb_contact_name`. Turn off when
   * the action reads existing properties (e.g. a `primary_contact_email` you already keep).
   * @default true
   */
  inputProperties?: boolean;
}

/** What {@link ensureCompanyProperties} found. */
export interface EnsurePropertiesResult {
  /** Properties it created. */
  created: string[];
  /** Properties that were already there (HubSpot answered 409). */
  existing: string[];
}

const LABELS: Record<WriteBackRole, [string, string]> = {
  caseId: [
    'FML case ID',
    'The First Mile Labs case for this Company; set by the workflow, used to route FML webhooks.',
  ],
  caseStatus: ['FML case status', 'The FML case status (in-progress, approved, declined, ...), from FML webhooks.'],
  onboardingStage: [
    'FML onboarding stage',
    'Where the customer is in FML onboarding (invite_sent, collecting_documents, ...).',
  ],
  decision: ['FML decision', "FML's decision on the case, once made."],
  lastEvent: ['FML last event', 'The last FML webhook event applied to this Company.'],
  lastEventAt: ['FML last event at', 'When FML emitted the latest event applied (it only moves forward).'],
  caseStatusAt: [
    'FML case status at',
    'When FML emitted the event behind FML case status (older status events are ignored).',
  ],
  onboardingStageAt: [
    'FML onboarding stage at',
    'When FML emitted the event behind FML onboarding stage (older stage events are ignored).',
  ],
  decisionAt: [
    'FML decision at',
    'When FML emitted the event behind FML decision (older decision events are ignored).',
  ],
};

/** The definitions {@link ensureCompanyProperties} creates, for review or for your own tooling. */
export function companyPropertyDefinitions(
  options: Omit<EnsurePropertiesOptions, keyof HubSpotConnectionOptions> = {},
): CompanyPropertyDefinition[] {
  const groupName = options.groupName ?? 'companyinformation';
  const names = resolvePropertyNames(options);
  const defs: CompanyPropertyDefinition[] = [];
  if (options.inputProperties !== false) {
    defs.push({
      name: 'kyb_contact_email',
      label: 'KYB contact email',
      type: 'string',
      fieldType: 'text',
      groupName,
      description: 'Where FML sends the onboarding invite (the customer-portal magic link).',
    });
    defs.push({
      name: 'kyb_contact_name',
      label: 'KYB contact name',
      type: 'string',
      fieldType: 'text',
      groupName,
      description: 'The name FML greets in the invite email.',
    });
  }
  for (const role of Object.keys(LABELS) as WriteBackRole[]) {
    const name = names[role];
    if (name === undefined) continue;
    const [label, description] = LABELS[role];
    // A datetime, so workflows can filter on "last FML event more than 7 days ago".
    const dated =
      role === 'lastEventAt' || role === 'caseStatusAt' || role === 'onboardingStageAt' || role === 'decisionAt';
    defs.push({
      name,
      label,
      type: dated ? 'datetime' : 'string',
      fieldType: dated ? 'date' : 'text',
      groupName,
      description,
    });
  }
  return defs;
}

/**
 * Creates the Company properties the recipe and the write-back use, in one portal — the per-role
 * timestamps (`fml_case_status_at`, `fml_onboarding_stage_at`, `fml_decision_at`) included. Safe to run again: a property
 * that already exists (409) is reported in `existing` and left as it is, so re-running it after an
 * upgrade adds only the new ones.
 */
export async function ensureCompanyProperties(options: EnsurePropertiesOptions): Promise<EnsurePropertiesResult> {
  const send = hubSpotSender(options);
  const result: EnsurePropertiesResult = { created: [], existing: [] };
  for (const def of companyPropertyDefinitions(options)) {
    try {
      await send('POST', '/crm/v3/properties/companies', def, `create Company property ${def.name}`);
      result.created.push(def.name);
    } catch (error) {
      if (!(error instanceof HubSpotApiError && error.status === 409)) throw error;
      result.existing.push(def.name);
    }
  }
  return result;
}
