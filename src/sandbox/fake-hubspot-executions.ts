import { isoDurationMs } from '../hubspot/workflow-action/duration';

/** One execution the fake automation sent, and where it stands. */
interface Execution {
  portalId: string;
  state: 'blocked' | 'answered' | 'completed';
  blockExpiresAt?: number;
}

const DAY_MS = 86_400_000;

/**
 * The executions the fake automation has sent: which answered BLOCK (and until when they may be
 * completed), and why a completion of one would be refused, in HubSpot's words.
 */
export class Executions {
  readonly #all = new Map<string, Execution>();

  constructor(private readonly now: () => number) {}

  /** The execution, if it was sent. */
  get(callbackId: string): Execution | undefined {
    return this.#all.get(callbackId);
  }

  /** The callbacks that answered BLOCK and are not completed yet. */
  blocked(): string[] {
    return [...this.#all].filter(([, e]) => e.state === 'blocked').map(([id]) => id);
  }

  /** Lets blocked executions lapse (one, or all): completing them is then refused. */
  expire(callbackId?: string): void {
    for (const [id, e] of this.#all)
      if (e.state === 'blocked' && (callbackId === undefined || id === callbackId)) e.blockExpiresAt = this.now() - 1;
  }

  /** Records the action's 2xx answer: BLOCK makes the callback completable until `hs_expiration_duration` (default 7 days). */
  recordAnswer(callbackId: string, portalId: string, body: unknown): void {
    const outputs = (body as { outputFields?: Record<string, unknown> } | undefined)?.outputFields;
    const state = outputs?.hs_execution_state;
    if (this.#all.get(callbackId)?.state === 'completed') return;
    if (state === 'BLOCK') {
      const duration =
        typeof outputs?.hs_expiration_duration === 'string' ? isoDurationMs(outputs.hs_expiration_duration) : undefined;
      this.#all.set(callbackId, { portalId, state: 'blocked', blockExpiresAt: this.now() + (duration ?? 7 * DAY_MS) });
    } else this.#all.set(callbackId, { portalId, state: 'answered' });
  }

  /** Why completing `callbackId` with these outputs (and this bearer token) is refused; undefined when it may be. */
  problem(
    callbackId: string,
    outputFields: unknown,
    tokens: string | Record<string, string>,
    bearer: string,
  ): string | undefined {
    const execution = this.#all.get(callbackId);
    if (!execution) return `unknown callbackId ${callbackId}`;
    if (typeof tokens !== 'string' && tokens[execution.portalId] !== bearer)
      return `callback ${callbackId} belongs to another portal`;
    // HubSpot refuses a second completion of one callback with a 400 that says so.
    if (execution.state === 'completed') return `Callback ${callbackId} has already been completed.`;
    if (execution.state !== 'blocked') return `callback ${callbackId} is not blocked`;
    if (execution.blockExpiresAt !== undefined && execution.blockExpiresAt <= this.now())
      return `callback ${callbackId} has expired`;
    if (typeof outputFields !== 'object' || outputFields === null || Array.isArray(outputFields))
      return 'outputFields must be an object';
    const state = (outputFields as Record<string, unknown>).hs_execution_state;
    if (state !== 'SUCCESS' && state !== 'FAIL_CONTINUE')
      return 'outputFields.hs_execution_state must be SUCCESS or FAIL_CONTINUE';
    for (const [k, v] of Object.entries(outputFields))
      if (typeof v !== 'string') return `outputFields.${k} must be a string`;
    return undefined;
  }
}
