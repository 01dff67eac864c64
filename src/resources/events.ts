import { ValidationError } from '../errors';
import type { RequestOptions, Transport } from '../http/transport';
import type { EventList, FeedEvent } from '../types';
import { checkListParams, toQueryDate } from './list-params';
import { CursorList } from './pagination';

/** Filters for {@link Events.list}. */
export interface ListEventsParams {
  /** Only events emitted at or after this time. */
  since?: Date | string;
  /** Only this event type, e.g. `case.status.changed`. */
  type?: string;
  /**
   * Events per page, 1 to 200.
   * @default 50
   */
  limit?: number;
  /** Start from this cursor. */
  cursor?: string;
}

/** `/v1/events`: the event feed — the same objects FML sends as webhooks, for catch-up and backfill. */
export class Events {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Every event matching `params`, fetched page by page as you iterate. */
  list(params: ListEventsParams = {}, options: RequestOptions = {}): CursorList<FeedEvent> {
    const problems = checkListParams(params as Record<string, unknown>, ['since']);
    if (problems.length) throw new ValidationError({ fields: problems });
    return new CursorList(async (cursor) => {
      const query = { limit: params.limit, cursor, since: toQueryDate(params.since), type: params.type };
      const res = await this.#transport.send<EventList>({ method: 'GET', path: '/v1/events', query, auth: true }, options);
      return { data: res.data.data, nextCursor: res.data.nextCursor ?? null, hasMore: res.data.hasMore === true, requestId: res.requestId };
    }, params.cursor);
  }
}
