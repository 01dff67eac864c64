'use strict';
const { baseUrl } = require('../authentication');

/**
 * The Idempotency-Key rule of FML's recipes (and the SDK's `idempotencyKey.forCrmRecord`):
 * `<crmSource>-<crmRecordId>`, e.g. `hubspot-12345678901`. Zapier may run a step again (a replayed
 * Zap run, an autoreplay after an error): the same record then gets the same key, and FML answers
 * with the original case instead of making a second one.
 */
const idempotencyKeyFor = (source, recordId) => `${String(source).trim().toLowerCase()}-${String(recordId).trim()}`;

const perform = async (z, bundle) => {
  const input = bundle.inputData;
  const crmSource = String(input.crmSource || 'zapier')
    .trim()
    .toLowerCase();
  const key = input.idempotencyKey || idempotencyKeyFor(crmSource, input.crmRecordId);
  const body = {
    customerEmail: input.customerEmail,
    ...(input.customerName ? { customerName: input.customerName } : {}),
    ...(input.companyName ? { companyName: input.companyName } : {}),
    ...(input.country ? { country: input.country } : {}),
    crmRecordId: String(input.crmRecordId),
    crmSource,
    sendInvite: input.sendInvite === undefined ? true : input.sendInvite === true || input.sendInvite === 'true',
  };
  const response = await z.request({
    url: `${baseUrl(bundle)}/v1/cases`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body,
  });
  // "false": a new case; "true": the answer to an earlier try with this key; "crm-record-id": FML already had a case for the record.
  return { ...response.data, replayed: response.getHeader('idempotent-replay') || 'false', idempotencyKey: key };
};

module.exports = {
  idempotencyKeyFor,
  create: {
    key: 'start_case',
    noun: 'Case',
    display: {
      label: 'Start KYB Case',
      description:
        'Creates an FML onboarding case and emails the customer their portal invite. Never duplicates a case for the same CRM record.',
    },
    operation: {
      perform,
      inputFields: [
        { key: 'customerEmail', label: 'Customer email', required: true, helpText: 'The invite goes here.' },
        { key: 'customerName', label: 'Customer name', required: false },
        { key: 'companyName', label: 'Company name', required: false },
        { key: 'country', label: 'Country', required: false, helpText: 'As held in your CRM, e.g. "United Kingdom".' },
        {
          key: 'crmRecordId',
          label: 'CRM record ID',
          required: true,
          helpText:
            'The id of the record in your CRM; FML echoes it on every event, and never makes a second case for it.',
        },
        {
          key: 'crmSource',
          label: 'CRM source',
          required: false,
          default: 'zapier',
          helpText: 'Lower case, e.g. hubspot, salesforce, pipedrive.',
        },
        { key: 'sendInvite', label: 'Send invite now', type: 'boolean', required: false, default: 'true' },
        {
          key: 'idempotencyKey',
          label: 'Idempotency-Key',
          required: false,
          helpText: 'Leave empty: <CRM source>-<CRM record ID> is used. Set another only if FML says the key is stuck.',
        },
      ],
      sample: {
        caseId: '8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c',
        customerEmail: 'jane.doe@acme.example',
        customerName: 'Jane Doe',
        companyName: 'Acme Holdings Ltd',
        country: 'United Kingdom',
        entityType: null,
        crmRecordId: '12345678901',
        crmSource: 'hubspot',
        source: 'api',
        status: 'in-progress',
        inviteSentAt: '2026-05-15T09:14:11.421Z',
        customerPortalUrl: 'https://app.firstmilelabs.com/',
        analystUrl: 'https://cases.firstmilelabs.com/?case=8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c',
        replayed: 'false',
        idempotencyKey: 'hubspot-12345678901',
      },
      outputFields: [
        { key: 'caseId', label: 'Case ID' },
        { key: 'status', label: 'Status' },
        { key: 'customerPortalUrl', label: 'Customer portal URL' },
        { key: 'analystUrl', label: 'Analyst URL' },
        { key: 'inviteSentAt', label: 'Invite sent at' },
        { key: 'replayed', label: 'Replayed (false, true or crm-record-id)' },
      ],
    },
  },
};
