'use strict';
const { baseUrl } = require('../authentication');

/** How far back each poll looks. Zapier de-duplicates by `id`, so overlap between polls is harmless. */
const LOOKBACK_MS = 24 * 60 * 60 * 1000;
/** Pages of 200 one poll may read (FML allows 120 requests a minute per client). */
const MAX_PAGES = 10;

/**
 * FML has no webhook-subscription API, so this trigger polls the event feed, `GET /v1/events`. The
 * feed is oldest first; Zapier wants newest first, with a unique `id`. So: read every page since the
 * look-back instant, then reverse. Emission order is the feed's order — not `timestamp`, which in older
 * FML payloads held the screening-completion time rather than the emission time.
 */
const perform = async (z, bundle) => {
  const params = { limit: 200, since: new Date(Date.now() - LOOKBACK_MS).toISOString() };
  if (bundle.inputData.eventType) params.type = bundle.inputData.eventType;
  const sampleOnly = Boolean(bundle.meta?.isLoadingSample);
  const events = [];
  let cursor = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await z.request({
      url: `${baseUrl(bundle)}/v1/events`,
      params: cursor ? { ...params, cursor } : params,
    });
    events.push(...response.data.data);
    cursor = response.data.nextCursor;
    if (!response.data.hasMore || !cursor) break;
  }
  const newestFirst = events.reverse().map((event) => ({ id: event.eventId, ...event }));
  return sampleOnly ? newestFirst.slice(0, 3) : newestFirst;
};

module.exports = {
  LOOKBACK_MS,
  trigger: {
    key: 'new_event',
    noun: 'Event',
    display: {
      label: 'New FML Event',
      description:
        'Triggers on every new First Mile Labs event (case created, status changed, screening, decisions…), or on one event type.',
    },
    operation: {
      type: 'polling',
      perform,
      inputFields: [
        {
          key: 'eventType',
          label: 'Event type',
          required: false,
          helpText: 'Only this event, e.g. case.status.changed. Leave empty for every event.',
          choices: [
            'case.created',
            'case.submitted',
            'case.status.changed',
            'case.decision.made',
            'case.onboarding_progress.changed',
            'screening.completed',
            'screening.hit.detected',
            'screening.hit.triaged',
            'ai_review.completed',
            'case.data_package.delivered',
            'data.corrected',
          ],
        },
      ],
      sample: {
        id: '3f2c9a7e-5b1d-4c8e-9f0a-6d2b7e1c4a90',
        event: 'case.status.changed',
        eventId: '3f2c9a7e-5b1d-4c8e-9f0a-6d2b7e1c4a90',
        eventVersion: 1,
        timestamp: '2026-05-16T10:02:44.120Z',
        orgId: 'org_acme',
        caseId: '8a0e8d9c-7b1a-4f2e-9c3b-2d1e8f7a4b6c',
        crmRecordId: '12345678901',
        crmSource: 'hubspot',
        companyName: 'Acme Holdings Ltd',
        status: 'approved',
        previousStatus: 'in-progress',
      },
    },
  },
};
