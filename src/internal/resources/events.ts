import { ValidationError } from '../../errors';
import type { RequestOptions, Transport } from '../engine/fml-transport';
import type { EventList, FeedEvent } from '../../types';
import { checkListParams, toQueryDate } from './list-params';
import { listEvents } from '../../../generated/operations';
import { CursorList, toPage } from './pagination';

/** Filters for {@link Events.list}. */
export interface ListEventsParams {
  /**
   * Only events emitted at or after this time: a Date, or an ISO 8601 string with an offset (or a plain date, read as UTC).
   * @default no lower bound
   */
  since?: Date | string;
  /**
   * Only this event type, e.g. `case.status.changed`.
   * @default every type
   */
  type?: string;
  /**
   * Events per page, 1 to 200.
   * @default FML's default page size
   */
  limit?: number;
  /**
   * Start from this cursor.
   * @default the first page
   */
  cursor?: string;
}

/**
 * `/v1/events`: the event feed — the same objects FML sends as webhooks, for catch-up and backfill.
 * Each item is checked for the fields every event carries (`event`, `eventId`, `caseId`, …): a page
 * without them is an `InvalidResponseError`. Event-specific fields are typed but not validated at run
 * time (that would pull the webhook schemas into every bundle); pass an item to `parseEvent` from
 * `@firstmilelabs/cases/webhooks` to validate it in full.
 */
export class Events {
  readonly #transport: Transport;

  // Private, and made through `of`, which the published declarations leave out (marked internal): they
  // show a constructor no one can call rather than one taking the transport, which is not public.
  private constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** @internal What `FmlClient` makes `fml.events` with. */
  static of(transport: Transport): Events {
    return new Events(transport);
  }

  /** Every event matching `params`, fetched page by page as you iterate. */
  list(params: ListEventsParams = {}, options: RequestOptions = {}): CursorList<FeedEvent> {
    const problems = checkListParams(params as Record<string, unknown>, ['since']);
    if (problems.length) throw new ValidationError({ fields: problems });
    return new CursorList(async (cursor) => {
      const query = { limit: params.limit, cursor, since: toQueryDate(params.since), type: params.type };
      return toPage<FeedEvent>(
        await this.#transport.send<EventList>(
          { method: 'GET', path: '/v1/events', query, auth: true, operation: listEvents },
          options,
        ),
      );
    }, params.cursor);
  }
}
