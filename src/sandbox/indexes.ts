import type { CaseRecord, EventRecord } from './records';

// What makes a list page cost O(page) instead of O(all cases): per-tenant lists in creation (`seq`)
// order, so a cursor (a `seq`) is found by binary search and a page is the next `limit` entries.
// The indexes only narrow the candidates; every filter is still checked on each candidate, so an
// index that cannot help (e.g. out-of-order timestamps in an old persist file) costs speed, never
// correctness. Maintained by the state's collections on every change (see `state.ts`).
//
// What each list filter costs (n = the tenant's cases or events, p = the page size):
//   cases, no filter / created_since / status (and both)   O(log n + p)
//   cases, updated_since                                   O(k log k), k = cases changed since then
//   events, no filter / since / type (and both)            O(log n + p)

/** Anything with a position in creation order. */
interface Sequenced {
  seq: number;
}

/** Index of the first item whose `seq` is greater than `after` (items sorted by `seq`). */
export function firstAfter(items: readonly Sequenced[], after: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // biome-ignore lint/style/noNonNullAssertion: lo <= mid < hi <= items.length
    if (items[mid]!.seq <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first item whose time (`timeOf`) is at or after `ms` (items sorted by that time). */
function firstAtOrAfter<T>(items: readonly T[], ms: number, timeOf: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // biome-ignore lint/style/noNonNullAssertion: lo <= mid < hi <= items.length
    if (timeOf(items[mid]!) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Puts `item` in its `seq` place: at the end in the usual case, by binary search otherwise. */
function insertBySeq<T extends Sequenced>(items: T[], item: T): void {
  const last = items.at(-1);
  if (last === undefined || last.seq < item.seq) items.push(item);
  else items.splice(firstAfter(items, item.seq), 0, item);
}

function removeBySeq<T extends Sequenced>(items: T[], item: T): void {
  const at = firstAfter(items, item.seq - 1);
  if (items[at] === item) items.splice(at, 1);
}

const caseCreatedMs = (c: CaseRecord): number => Date.parse(c.data.createdAt);
const caseUpdatedMs = (c: CaseRecord): number => Date.parse(c.data.updatedAt);
const eventMs = (e: EventRecord): number => Date.parse(e.data.timestamp);

/** A list in `seq` order, and whether its times also rise with `seq` (so a time can be binary-searched). */
class OrderedList<T extends Sequenced> {
  readonly items: T[] = [];
  timesInOrder = true;

  constructor(private readonly timeOf: (item: T) => number) {}

  /** The time of the item last appended (kept, so each add parses one timestamp, not two). */
  #lastMs = Number.NEGATIVE_INFINITY;

  add(item: T): void {
    insertBySeq(this.items, item);
    if (!this.timesInOrder) return;
    const ms = this.timeOf(item);
    if (this.items[this.items.length - 1] !== item || ms < this.#lastMs) this.timesInOrder = false;
    else this.#lastMs = ms;
  }

  remove(item: T): void {
    removeBySeq(this.items, item);
  }

  /** Puts `next` where `prev` (same `seq`) is. */
  replace(prev: T, next: T): void {
    const at = firstAfter(this.items, prev.seq - 1);
    if (this.items[at] === prev) this.items[at] = next;
  }

  /** Refills the list from items in any order (sorted here once). */
  fill(items: T[]): void {
    this.items.length = 0;
    this.timesInOrder = true;
    this.#lastMs = Number.NEGATIVE_INFINITY;
    for (const item of items.sort((a, b) => a.seq - b.seq)) this.add(item);
  }

  /** Where to start looking for items after `after` that are at or after `sinceMs`. */
  start(after: number, sinceMs: number | undefined): number {
    const bySeq = firstAfter(this.items, after);
    if (sinceMs === undefined || !this.timesInOrder) return bySeq;
    return Math.max(bySeq, firstAtOrAfter(this.items, sinceMs, this.timeOf));
  }
}

/** A change to a case, in the order they happened: what `updated_since` reads. */
interface Touch {
  ms: number;
  caseId: string;
}

/** One tenant's cases and events. */
class TenantIndex {
  readonly cases = new OrderedList<CaseRecord>(caseCreatedMs);
  readonly casesByStatus = new Map<string, OrderedList<CaseRecord>>();
  /** Every creation and change of a case, by time; stale entries (a later touch exists) are skipped. */
  touches: Touch[] = [];
  touchesInOrder = true;
  readonly events = new OrderedList<EventRecord>(eventMs);
  readonly eventsByType = new Map<string, OrderedList<EventRecord>>();

  statusList(status: string): OrderedList<CaseRecord> {
    let list = this.casesByStatus.get(status);
    if (!list) {
      list = new OrderedList(caseCreatedMs);
      this.casesByStatus.set(status, list);
    }
    return list;
  }

  typeList(type: string): OrderedList<EventRecord> {
    let list = this.eventsByType.get(type);
    if (!list) {
      list = new OrderedList(eventMs);
      this.eventsByType.set(type, list);
    }
    return list;
  }

  touch(rec: CaseRecord): void {
    const ms = caseUpdatedMs(rec);
    const last = this.touches[this.touches.length - 1];
    if (last && last.ms > ms) this.touchesInOrder = false;
    this.touches.push({ ms, caseId: rec.data.caseId });
    // Stale touches pile up as cases change; rebuild when they outnumber the cases (amortised O(1)).
    if (this.touches.length > 2 * this.cases.items.length + 1024) this.rebuildTouches();
  }

  rebuildTouches(): void {
    this.touches = this.cases.items
      .map((rec) => ({ ms: caseUpdatedMs(rec), caseId: rec.data.caseId }))
      .sort((a, b) => a.ms - b.ms);
    this.touchesInOrder = true;
  }
}

/** What the index remembers of a case, to notice what a change changed. */
interface Indexed {
  rec: CaseRecord;
  status: string;
  updatedAt: string;
}

/** Filters of `GET /v1/cases`, as parsed by the route. */
export interface CaseQuery {
  after: number;
  limit: number;
  status?: string | undefined;
  updatedSince?: number | undefined;
  createdSince?: number | undefined;
}

/** Filters of `GET /v1/events`. */
export interface EventQuery {
  after: number;
  limit: number;
  type?: string | undefined;
  since?: number | undefined;
}

/** Up to `limit` items from `items[start..]` that `accept` takes, plus whether more follow. */
function collect<T>(
  items: readonly T[],
  start: number,
  limit: number,
  accept: (item: T) => boolean,
): { page: T[]; hasMore: boolean } {
  const page: T[] = [];
  for (let i = start; i < items.length; i++) {
    // biome-ignore lint/style/noNonNullAssertion: start <= i < items.length
    const item = items[i]!;
    if (!accept(item)) continue;
    if (page.length === limit) return { page, hasMore: true };
    page.push(item);
  }
  return { page, hasMore: false };
}

/** The sandbox's list indexes, for every tenant. */
export class SandboxIndex {
  readonly #tenants = new Map<string, TenantIndex>();
  readonly #cases = new Map<string, Indexed>();
  /** eventId → event, for redelivery. */
  readonly eventsById = new Map<string, EventRecord>();
  /** While true, changes are not indexed (a load indexes once at the end with {@link rebuild}). */
  paused = false;

  #tenant(orgId: string): TenantIndex {
    let t = this.#tenants.get(orgId);
    if (!t) {
      t = new TenantIndex();
      this.#tenants.set(orgId, t);
    }
    return t;
  }

  /** A case was stored or changed. */
  caseSet(rec: CaseRecord): void {
    if (this.paused) return;
    let seen = this.#cases.get(rec.data.caseId);
    if (seen && seen.rec.orgId !== rec.orgId) {
      this.caseDeleted(rec.data.caseId);
      seen = undefined;
    }
    const t = this.#tenant(rec.orgId);
    if (seen && seen.rec !== rec) {
      // The same case as a new object (read back from the persist file): it takes the old one's places.
      t.cases.replace(seen.rec, rec);
      t.statusList(seen.status).replace(seen.rec, rec);
      seen.rec = rec;
    }
    if (!seen) {
      t.cases.add(rec);
      t.statusList(rec.data.status).add(rec);
      t.touch(rec);
      this.#cases.set(rec.data.caseId, { rec, status: rec.data.status, updatedAt: rec.data.updatedAt });
      return;
    }
    if (seen.status !== rec.data.status) {
      t.statusList(seen.status).remove(rec);
      t.statusList(rec.data.status).add(rec);
      seen.status = rec.data.status;
    }
    if (seen.updatedAt !== rec.data.updatedAt) {
      t.touch(rec);
      seen.updatedAt = rec.data.updatedAt;
    }
  }

  caseDeleted(caseId: string): void {
    if (this.paused) return;
    const known = this.#cases.get(caseId);
    if (!known) return;
    this.#cases.delete(caseId);
    const t = this.#tenant(known.rec.orgId);
    t.cases.remove(known.rec);
    t.statusList(known.status).remove(known.rec);
    t.rebuildTouches();
  }

  eventAdded(rec: EventRecord): void {
    if (this.paused) return;
    const t = this.#tenant(rec.orgId);
    t.events.add(rec);
    t.typeList(rec.data.event).add(rec);
    this.eventsById.set(rec.data.eventId, rec);
  }

  /** Indexes these cases and events afresh (after a load): O(n log n) once instead of per change. */
  rebuild(cases: Iterable<CaseRecord>, events: readonly EventRecord[]): void {
    this.paused = false;
    this.clear();
    const byTenant = new Map<string, CaseRecord[]>();
    for (const rec of cases) {
      let list = byTenant.get(rec.orgId);
      if (!list) {
        list = [];
        byTenant.set(rec.orgId, list);
      }
      list.push(rec);
      this.#cases.set(rec.data.caseId, { rec, status: rec.data.status, updatedAt: rec.data.updatedAt });
    }
    for (const [orgId, list] of byTenant) {
      const t = this.#tenant(orgId);
      t.cases.fill(list);
      const byStatus = new Map<string, CaseRecord[]>();
      for (const rec of t.cases.items) {
        let group = byStatus.get(rec.data.status);
        if (!group) {
          group = [];
          byStatus.set(rec.data.status, group);
        }
        group.push(rec);
      }
      for (const [status, group] of byStatus) t.statusList(status).fill(group);
      t.rebuildTouches();
    }
    for (const rec of events) this.eventAdded(rec);
  }

  /** Forgets the cases and events (a reset). */
  clear(): void {
    this.#tenants.clear();
    this.#cases.clear();
    this.eventsById.clear();
  }

  /** One page of the tenant's cases, oldest first. */
  casePage(orgId: string, q: CaseQuery): { page: CaseRecord[]; hasMore: boolean } {
    const t = this.#tenants.get(orgId);
    if (!t) return { page: [], hasMore: false };
    const accept = (c: CaseRecord) =>
      c.seq > q.after &&
      (q.status === undefined || c.data.status === q.status) &&
      (q.updatedSince === undefined || caseUpdatedMs(c) >= q.updatedSince) &&
      (q.createdSince === undefined || caseCreatedMs(c) >= q.createdSince);
    if (q.updatedSince !== undefined && t.touchesInOrder) {
      // The cases changed since then, each once, in creation order.
      const since = q.updatedSince;
      const changed = new Set<CaseRecord>();
      for (let i = firstAtOrAfter(t.touches, since, (x) => x.ms); i < t.touches.length; i++) {
        const current = this.#cases.get(t.touches[i]?.caseId ?? '')?.rec;
        if (current) changed.add(current);
      }
      const candidates = [...changed].filter(accept).sort((a, b) => a.seq - b.seq);
      return collect(candidates, 0, q.limit, () => true);
    }
    const list = q.status === undefined ? t.cases : t.casesByStatus.get(q.status);
    if (!list) return { page: [], hasMore: false };
    return collect(list.items, list.start(q.after, q.createdSince), q.limit, accept);
  }

  /** One page of the tenant's events, oldest first. */
  eventPage(orgId: string, q: EventQuery): { page: EventRecord[]; hasMore: boolean } {
    const t = this.#tenants.get(orgId);
    const list = t && (q.type === undefined ? t.events : t.eventsByType.get(q.type));
    if (!list) return { page: [], hasMore: false };
    const accept = (e: EventRecord) =>
      e.seq > q.after &&
      (q.type === undefined || e.data.event === q.type) &&
      (q.since === undefined || eventMs(e) >= q.since);
    return collect(list.items, list.start(q.after, q.since), q.limit, accept);
  }
}
