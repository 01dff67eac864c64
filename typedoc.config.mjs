// The API reference: `npm run docs` → docs/api/. The entry points are the package's own list
// (scripts/library-entries.json, which the build reads too), so a new entry is documented the day it ships.
// `npm run lint:docs` runs the same configuration without writing, and fails on any export without TSDoc.
import { readFileSync } from 'node:fs';

const entries = JSON.parse(readFileSync(new URL('./scripts/library-entries.json', import.meta.url), 'utf8'));

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: '@firstmilelabs/cases',
  entryPoints: Object.values(entries),
  out: 'docs/api',
  readme: 'none',
  tsconfig: 'tsconfig.json',
  excludePrivate: true,
  excludeInternal: true,
  // Every exported declaration carries TSDoc; a missing comment is an error, not a warning.
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  requiredToBeDocumented: ['Class', 'Function', 'Interface', 'TypeAlias', 'Enum', 'Variable', 'Method', 'Accessor'],
  // Internal building blocks a public type is written in terms of: the zod schemas behind the event
  // types, the sandbox's schema shorthand, a page fetcher and a resolved endpoint. Their public faces
  // (the event types, SandboxCase, CursorList, the handlers) are documented; these stay unexported.
  intentionallyNotExported: [
    'Schemas',
    'FetchPage',
    'LazyClient',
    'LazyClusterLike',
    'SignedEndpoint',
    'knownEventSchemas',
    ...[
      'webhookEventCommon',
      'caseCreated',
      'caseSubmitted',
      'caseStatusChanged',
      'caseDecisionMade',
      'caseOnboardingProgressChanged',
      'screeningSummaryEntry',
      'screeningCompleted',
      'screeningHitDetected',
      'screeningHitTriaged',
      'aiRiskFactor',
      'aiReviewCompleted',
      'caseDataPackageDelivered',
      'dataAmendment',
      'dataCorrected',
    ].map((name) => `${name}Schema`),
  ],
  treatValidationWarningsAsErrors: true,
  // npm test type-checks first; TypeDoc need not do it again.
  skipErrorChecking: true,
};
