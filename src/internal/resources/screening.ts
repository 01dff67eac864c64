import { FmlError, ValidationError } from '../../errors';
import type { RequestOptions, Transport } from '../engine/fml-transport';
import { assertIdempotencyKey, idempotencyKey } from '../../idempotency';
import type { ScreeningDisposition, ScreeningDispositionRequest } from '../../types';
import { recordScreeningDisposition } from '../../../generated/operations';
import { caseIdProblems, checkText, path } from './path';

/** The longest `note` the SDK sends (its own decision, like openapi.yaml's `maxLength`). */
const MAX_NOTE_CHARS = 2000;

/** Options for {@link Screening.recordDisposition}. */
export interface RecordDispositionOptions extends RequestOptions {
  /**
   * Makes retries safe: the same key never records the disposition twice.
   * @default a random key, generated once before the first attempt and reused by every retry
   */
  idempotencyKey?: string;
}

/** Screening hits: record an analyst's disposition of a hit that `screening.hit.detected` reported. */
export class Screening {
  readonly #transport: Transport;

  // Private, and made through `of`, which the published declarations leave out (marked internal): they
  // show a constructor no one can call rather than one taking the transport, which is not public.
  private constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** @internal What `FmlClient` makes `fml.screening` with. */
  static of(transport: Transport): Screening {
    return new Screening(transport);
  }

  /**
   * Records a disposition for `(caseId, hitId)`: `POST /v1/cases/{caseId}/screening/disposition`.
   * `hitId` is the `hitId` of a `screening.hit.detected` event. (`screening.hit.triaged` events carry
   * FML's AI disposition; this records yours.)
   *
   * FML names this endpoint but has not published its body, answer or scope: the SDK assumes
   * `{ hitId, disposition, note? }`, an answer echoing what was recorded, and `cases:write`
   * (`x-fml-inferred` in openapi.yaml). Validated before anything is sent.
   *
   * @example await fml.screening.recordDisposition('CS-2026-00471', { hitId: event.hitId, disposition: 'false_positive', note: 'Different date of birth.' });
   */
  async recordDisposition(
    caseId: string,
    body: ScreeningDispositionRequest,
    options: RecordDispositionOptions = {},
  ): Promise<ScreeningDisposition> {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Partial<ScreeningDispositionRequest>;
    const fields = [
      ...caseIdProblems(caseId),
      ...checkText('hitId', input.hitId, { required: true, max: Infinity }),
      ...checkText('disposition', input.disposition, { required: true, max: Infinity }),
      ...checkText('note', input.note, { required: false, max: MAX_NOTE_CHARS }),
    ];
    if (fields.length) throw new ValidationError({ fields });
    const { idempotencyKey: givenKey, ...requestOptions } = options;
    const key = assertIdempotencyKey(givenKey ?? idempotencyKey.random());
    const req = {
      method: 'POST',
      path: path`/v1/cases/${caseId}/screening/disposition`,
      json: body,
      idempotencyKey: key,
      auth: true,
      operation: recordScreeningDisposition,
    } as const;
    try {
      return (await this.#transport.send<ScreeningDisposition>(req, requestOptions)).data;
    } catch (error) {
      if (error instanceof FmlError) error.idempotencyKey = key;
      throw error;
    }
  }
}
