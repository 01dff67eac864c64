import { describe, expect, it } from 'vitest';
import { WebhookPayloadError } from '../../src/webhooks/errors';
import { isEvent, isKnownEvent, knownEventNames, parseEvent } from '../../src/webhooks';
import { samples } from './fixtures';

function payloadError(run: () => unknown): WebhookPayloadError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookPayloadError);
    return error as WebhookPayloadError;
  }
  throw new Error('expected a WebhookPayloadError');
}

describe('parseEvent', () => {
  it.each(Object.entries(samples))('round-trips the %s sample from raw JSON, bytes and an object', (name, sample) => {
    const json = JSON.stringify(sample);
    for (const input of [json, new TextEncoder().encode(json), Buffer.from(json), sample]) {
      const event = parseEvent(input);
      expect(event).toEqual(sample);
      expect(event.event).toBe(name);
      expect(isKnownEvent(event)).toBe(true);
    }
  });

  it('knows exactly the eleven published event names', () => {
    expect([...knownEventNames].sort()).toEqual(Object.keys(samples).sort());
  });

  it('narrows on event after isKnownEvent, and with isEvent', () => {
    const event = parseEvent(JSON.stringify(samples['case.status.changed']));
    if (!isKnownEvent(event)) throw new Error('should be known');
    switch (event.event) {
      case 'case.status.changed':
        expect(event.status).toBe('approved');
        expect(event.previousStatus).toBe('in-progress');
        break;
      default:
        throw new Error(`narrowed to the wrong event: ${event.event}`);
    }
    expect(isEvent(event, 'case.status.changed') && event.recommendation).toBe('approve');
    expect(isEvent(event, 'case.created')).toBe(false);
  });

  it('parses an event name it does not know as an unknown event with the common fields, not an error', () => {
    const newer = { ...samples['case.submitted'], event: 'case.archived', archivedBy: 'ops', reason: { code: 7 } };
    const event = parseEvent(JSON.stringify(newer));
    expect(event).toEqual(newer);
    expect(isKnownEvent(event)).toBe(false);
    expect(event.caseId).toBe('CS-2026-00471');
  });

  it('still checks the common fields of an unknown event', () => {
    const error = payloadError(() =>
      parseEvent({
        event: 'case.archived',
        eventId: 'e1',
        eventVersion: 1,
        timestamp: '2026-05-15T09:14:11Z',
        orgId: 'o',
      }),
    );
    expect(error.issues).toEqual([{ path: 'caseId', message: 'is required' }]);
  });

  it('passes unknown fields and unknown enum values through', () => {
    const sample = {
      ...samples['case.status.changed'],
      status: 'escalated_to_mlro',
      recommendation: 'hold',
      region: 'eu-west-2',
    };
    const event = parseEvent(JSON.stringify(sample));
    expect(event).toMatchObject({ status: 'escalated_to_mlro', recommendation: 'hold', region: 'eu-west-2' });
    const screening = parseEvent({
      ...samples['screening.completed'],
      summary: [{ name: 'A', role: null, status: 'adverse_media', score: 0.7 }],
    });
    expect(screening).toMatchObject({ summary: [{ name: 'A', role: null, status: 'adverse_media', score: 0.7 }] });
  });

  it('accepts a date-time with an offset, null where the contract allows it, and string ids (§7)', () => {
    expect(() =>
      parseEvent({
        ...samples['case.created'],
        timestamp: '2026-05-15T10:14:11+01:00',
        crmRecordId: null,
        crmSource: null,
        companyName: null,
      }),
    ).not.toThrow();
    expect(() =>
      parseEvent({ ...samples['screening.hit.detected'], hitId: 'ca:john-roe', subjectId: null }),
    ).not.toThrow();
    // hitId is a string in FML's schema: an integer is not a valid hit id.
    expect(payloadError(() => parseEvent({ ...samples['screening.hit.detected'], hitId: 991 })).issues).toEqual([
      { path: 'hitId', message: 'must be a string, got an integer' },
    ]);
    const { crmRecordId: _a, crmSource: _b, companyName: _c, ...withoutOptional } = samples['case.submitted'];
    expect(() => parseEvent(withoutOptional)).not.toThrow();
  });

  it('lists every problem in a known event, naming the field and the expected type but never the value', () => {
    const bad = {
      ...samples['ai_review.completed'],
      reviewId: 'r-1',
      confidence: 3,
      riskFactors: [{ text: 'x' }],
      completedAt: 'yesterday',
      secretNote: 'ignored',
    };
    const error = payloadError(() => parseEvent(JSON.stringify(bad)));
    expect(error.issues).toEqual([
      { path: 'reviewId', message: 'must be an integer, got a string' },
      { path: 'confidence', message: 'must be a string, got an integer' },
      { path: 'riskFactors.0.severity', message: 'is required' },
      { path: 'completedAt', message: 'must be an RFC 3339 date-time, e.g. 2026-05-15T09:14:11Z' },
    ]);
    expect(error.message).toContain('reviewId: must be an integer, got a string');
    expect(error.message).not.toContain('yesterday');
    expect(error.code).toBe('webhook_payload_invalid');
  });

  it.each([
    ['eventId', 'is required'],
    ['eventVersion', 'is required'],
    ['timestamp', 'is required'],
    ['orgId', 'is required'],
    ['caseId', 'is required'],
    ['event', 'is required'],
  ])('rejects a payload missing the common field %s', (field, message) => {
    const { [field as 'eventId']: _dropped, ...rest } = samples['case.status.changed'];
    expect(payloadError(() => parseEvent(JSON.stringify(rest))).issues).toContainEqual({ path: field, message });
  });

  it('rejects a known event missing one of its own required fields', () => {
    const { status: _status, ...rest } = samples['case.status.changed'];
    expect(payloadError(() => parseEvent(rest)).issues).toEqual([{ path: 'status', message: 'is required' }]);
    const { roster: _roster, ...noRoster } = samples['case.onboarding_progress.changed'];
    expect(payloadError(() => parseEvent(noRoster)).issues).toEqual([{ path: 'roster', message: 'is required' }]);
  });

  it('rejects an eventVersion below 1, a negative count and an empty eventId', () => {
    const error = payloadError(() =>
      parseEvent({ ...samples['screening.completed'], eventVersion: 0, screened: -1, eventId: '' }),
    );
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'eventVersion', message: 'must be at least 1' },
        { path: 'screened', message: 'must be at least 0' },
        { path: 'eventId', message: 'must not be empty' },
      ]),
    );
  });

  it.each([
    ['invalid JSON', '{"event": "case.created",', 'the body is not valid JSON'],
    ['an empty body', '', 'the body is not valid JSON'],
    ['a JSON array', '[1,2]', 'the payload must be a JSON object, not an array'],
    ['a JSON string', '"case.created"', 'the payload must be a JSON object, not a string'],
    ['JSON null', 'null', 'the payload must be a JSON object, not null'],
    ['a JSON number', '42', 'the payload must be a JSON object, not an integer'],
  ])('rejects %s with a readable issue', (_label, body, message) => {
    const error = payloadError(() => parseEvent(body));
    expect(error.issues).toEqual([{ path: '', message }]);
    expect(error.message).toBe(`Invalid FML webhook payload: ${message}`);
  });

  it('treats a UTF-8 byte-order mark the same in a string body and a byte body', () => {
    const sample = samples['case.created'];
    const withBom = `\uFEFF${JSON.stringify(sample)}`;
    expect(parseEvent(withBom)).toEqual(sample);
    expect(parseEvent(new TextEncoder().encode(withBom))).toEqual(sample);
    expect(parseEvent(Buffer.from(withBom))).toEqual(sample);
    // Only a leading mark: one inside the JSON text is as invalid from a string as from bytes.
    const inside = `${JSON.stringify(sample).slice(0, 1)}\uFEFF${JSON.stringify(sample).slice(1)}`;
    expect(payloadError(() => parseEvent(inside)).issues).toEqual([
      { path: '', message: 'the body is not valid JSON' },
    ]);
    expect(payloadError(() => parseEvent(new TextEncoder().encode(inside))).issues).toEqual([
      { path: '', message: 'the body is not valid JSON' },
    ]);
  });

  it('says a number like -1e400 where a count must be at least 0 is out of range, not "must be a number, got a number"', () => {
    // JSON.parse reads -1e400 as -Infinity. (1e400 itself is a JSON integer with no maximum, so it is accepted.)
    const body = JSON.stringify({ ...samples['screening.completed'], screened: 2 }).replace(
      '"screened":2',
      '"screened":-1e400',
    );
    expect(payloadError(() => parseEvent(body)).issues).toEqual([
      { path: 'screened', message: 'is out of range (too large for a number)' },
    ]);
    expect(parseEvent(body.replace('-1e400', '1e400'))).toMatchObject({ screened: Infinity });
  });

  it('rejects invalid UTF-8 rather than parsing replacement characters', () => {
    const json = new TextEncoder().encode(JSON.stringify(samples['case.created']));
    const at = json.indexOf('A'.charCodeAt(0));
    const broken = new Uint8Array([...json.subarray(0, at), 0xc3, 0x28, ...json.subarray(at)]);
    expect(payloadError(() => parseEvent(broken)).issues).toEqual([
      { path: '', message: 'the body is not valid UTF-8' },
    ]);
    expect(payloadError(() => parseEvent(new Uint8Array([0xff, 0xfe, 0x7b]))).issues[0]?.message).toBe(
      'the body is not valid UTF-8',
    );
  });

  it('does not let __proto__ or constructor keys pollute any prototype', () => {
    const body =
      '{"event":"screening.completed","eventId":"e-1","eventVersion":1,"timestamp":"2026-05-15T09:14:11Z","orgId":"o","caseId":"c",' +
      '"screened":1,"summary":[{"name":"A","role":null,"status":"clear","__proto__":{"pollutedEntry":true}}],' +
      '"__proto__":{"polluted":true,"status":"hijacked"},"constructor":{"prototype":{"pollutedCtor":true}}}';
    const event = parseEvent(body) as Record<string, unknown> & { summary: Record<string, unknown>[] };
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(event.summary[0])).toBe(Object.prototype);
    expect(event.polluted).toBeUndefined();
    expect(event.summary[0]!.pollutedEntry).toBeUndefined();
    const plain: Record<string, unknown> = {};
    expect(plain.polluted).toBeUndefined();
    expect(plain.pollutedCtor).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    // constructor is just a field of this event now, not the Object constructor.
    expect(Object.hasOwn(event, 'constructor')).toBe(true);
    expect({}.constructor).toBe(Object);
  });

  it('treats an event named "constructor" or "__proto__" as an unknown event', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const event = parseEvent(JSON.stringify({ ...samples['case.submitted'], event: name }));
      expect(event.event).toBe(name);
      expect(isKnownEvent(event)).toBe(false);
    }
  });
});
