'use strict';
const { baseUrl } = require('../authentication');

// GET /v1/cases/{caseId}: one case, or none. FML answers 404 for an unknown id and for another
// tenant's id alike; a search returns [] for both ("not found" is an answer, not an error).
const perform = async (z, bundle) => {
  const caseId = String(bundle.inputData.caseId || '').trim();
  const response = await z.request({
    url: `${baseUrl(bundle)}/v1/cases/${encodeURIComponent(caseId)}`,
    skipThrowForStatus: true,
  });
  if (response.status === 404) return [];
  response.throwForStatus();
  return [{ id: response.data.caseId, ...response.data }];
};

module.exports = {
  search: {
    key: 'find_case',
    noun: 'Case',
    display: {
      label: 'Find Case',
      description: 'Finds an FML case by its id (e.g. the fml_case_id stored on a CRM record).',
    },
    operation: {
      perform,
      inputFields: [{ key: 'caseId', label: 'Case ID', required: true }],
      sample: {
        id: '8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c',
        caseId: '8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c',
        status: 'in-progress',
        customerEmail: 'jane.doe@acme.example',
        companyName: 'Acme Holdings Ltd',
        crmRecordId: '12345678901',
        crmSource: 'hubspot',
        createdAt: '2026-05-15T09:14:11.421Z',
        updatedAt: '2026-05-15T09:14:11.421Z',
      },
    },
  },
};
