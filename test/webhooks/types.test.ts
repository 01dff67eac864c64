// Type-level agreement between the parsed event types and the `webhooks` section of openapi.yaml
// (generated/openapi.ts). tsc checks this file (`npx tsc --noEmit`); vitest runs the few runtime lines.
import { describe, expectTypeOf, it } from 'vitest';
import type { components } from '../../generated/openapi';
import type * as ours from '../../src/webhooks';
import { isKnownEvent, parseEvent } from '../../src/webhooks';
import { samples } from './fixtures';

type Spec = components['schemas'];

/** Declared property names, without index signatures. */
type DeclaredKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
/** Each side assignable to the other, and the same declared fields. */
type Agrees<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [DeclaredKeys<A>] extends [DeclaredKeys<B>]
      ? [DeclaredKeys<B>] extends [DeclaredKeys<A>]
        ? true
        : 'spec declares fields we lack'
      : 'we declare fields the spec lacks'
    : 'spec not assignable to ours'
  : 'ours not assignable to spec';

describe('event types agree with openapi.yaml', () => {
  it('for the common fields and every known event', () => {
    expectTypeOf<Agrees<ours.WebhookEventCommon, Spec['WebhookEventCommon']>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.CaseCreatedEvent, Spec['CaseCreatedEvent']>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.CaseSubmittedEvent, Spec['CaseSubmittedEvent']>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.CaseStatusChangedEvent, Spec['CaseStatusChangedEvent']>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.CaseDecisionMadeEvent, Spec['CaseDecisionMadeEvent']>>().toEqualTypeOf<true>();
    expectTypeOf<
      Agrees<ours.CaseOnboardingProgressChangedEvent, Spec['CaseOnboardingProgressChangedEvent']>
    >().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.ScreeningCompletedEvent, Spec['ScreeningCompletedEvent']>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.ScreeningHitDetectedEvent, Spec['ScreeningHitDetectedEvent']>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.ScreeningHitTriagedEvent, Spec['ScreeningHitTriagedEvent']>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.AiReviewCompletedEvent, Spec['AiReviewCompletedEvent']>>().toEqualTypeOf<true>();
    expectTypeOf<
      Agrees<ours.CaseDataPackageDeliveredEvent, Spec['CaseDataPackageDeliveredEvent']>
    >().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.DataCorrectedEvent, Spec['DataCorrectedEvent']>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.WebhookEvent, Spec['WebhookEvent']>>().toEqualTypeOf<true>();
  });

  it('for the nested objects', () => {
    expectTypeOf<Agrees<ours.ScreeningSummaryEntry, Spec['ScreeningSummaryEntry']>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.AiRiskFactor, Spec['AiRiskFactor']>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<ours.DataAmendment, Spec['DataAmendment']>>().toEqualTypeOf<true>();
  });

  it("covers exactly the spec's known events", () => {
    type LiteralEvent<T> = T extends { event: infer Name } ? (string extends Name ? never : Name) : never;
    expectTypeOf<ours.KnownEventName>().toEqualTypeOf<LiteralEvent<Spec['WebhookEvent']>>();
  });

  it('offers known enum values while accepting any string (open enums)', () => {
    expectTypeOf<ours.CaseStatusChangedEvent['status']>().toExtend<string>();
    expectTypeOf<string>().toExtend<ours.CaseStatusChangedEvent['status']>();
    expectTypeOf<'approved'>().toExtend<ours.CaseStatusChangedEvent['status']>();
    expectTypeOf<ours.AiReviewCompletedEvent['confidence']>().toExtend<string>();
  });

  it("follows FML's published schemas (§7) field by field", () => {
    // severity: upper case known values, still open.
    expectTypeOf<'HIGH' | 'MEDIUM' | 'MED' | 'LOW'>().toExtend<ours.AiRiskFactor['severity']>();
    expectTypeOf<'CRITICAL'>().toExtend<ours.AiRiskFactor['severity']>();
    expectTypeOf<ours.AiRiskFactor['severity']>().toExtend<string>();
    expectTypeOf<Extract<ours.AiRiskFactor['severity'], 'high'>>().toEqualTypeOf<never>();
    // Ids and people: strings, null only where FML sends null.
    expectTypeOf<ours.ScreeningHitDetectedEvent['hitId']>().toEqualTypeOf<string>();
    expectTypeOf<ours.ScreeningHitDetectedEvent['subjectId']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<ours.CaseCreatedEvent['createdBy']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ours.AiReviewCompletedEvent['triggeredBy']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ours.AiReviewCompletedEvent['reviewId']>().toEqualTypeOf<number>();
    // summary[].role: required, nullable.
    expectTypeOf<ours.ScreeningSummaryEntry['role']>().toEqualTypeOf<string | null>();
    expectTypeOf<{ name: string; status: 'clear' }>().not.toExtend<ours.ScreeningSummaryEntry>();
    // data.corrected: integer documentId, string field, typed amendments.
    expectTypeOf<ours.DataCorrectedEvent['documentId']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ours.DataCorrectedEvent['field']>().toExtend<string | undefined>();
    expectTypeOf<NonNullable<ours.DataCorrectedEvent['amendments']>[number]>().toEqualTypeOf<ours.DataAmendment>();
    expectTypeOf<ours.DataAmendment['section']>().toEqualTypeOf<string>();
    expectTypeOf<ours.DataAmendment['field']>().toEqualTypeOf<string>();
    expectTypeOf<{ section: string; field: string }>().toExtend<ours.DataAmendment>();
  });

  it('narrows a parsed event by name once it is known', () => {
    const event = parseEvent(JSON.stringify(samples['screening.completed']));
    if (isKnownEvent(event) && event.event === 'screening.completed') {
      expectTypeOf(event.summary).toEqualTypeOf<ours.ScreeningSummaryEntry[]>();
      expectTypeOf(event.screened).toEqualTypeOf<number>();
    }
    if (!isKnownEvent(event)) expectTypeOf(event).toEqualTypeOf<ours.UnknownWebhookEvent>();
  });
});
