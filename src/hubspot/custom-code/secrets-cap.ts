// HubSpot caps the values of all the secrets of one Custom Code action at 1,000 characters in total.
// What happens past it is not documented (a value refused, or cut short), and a cut REDIS_URL or
// client secret fails later as something else — an unusable URL, invalid_client. So the action
// measures the secrets it reads and says so: over the cap it stops with `secrets_too_long`; near it,
// any failure's message names the cap as the likely cause.

/** HubSpot's limit on the total length of one action's secret values. */
export const HUBSPOT_SECRETS_CAP = 1000;

/** From this total on, a failure's message points at the cap. */
export const SECRETS_NEAR_CAP = 950;

/** How the secrets an action reads measure against the cap. */
export interface SecretsBudget {
  total: number;
  /** Each secret read, with its length, longest first (names only: never a value). */
  lengths: [name: string, length: number][];
  state: 'ok' | 'near' | 'over';
}

/** Measures the values of `names` in `env` (unset ones count 0). */
export function secretsBudget(env: Record<string, string | undefined>, names: readonly string[]): SecretsBudget {
  const lengths = names.map((name): [string, number] => [name, env[name]?.length ?? 0]).sort((a, b) => b[1] - a[1]);
  const total = lengths.reduce((n, [, l]) => n + l, 0);
  return { total, lengths, state: total > HUBSPOT_SECRETS_CAP ? 'over' : total >= SECRETS_NEAR_CAP ? 'near' : 'ok' };
}

/** The admin-facing explanation, naming the longest secrets (REDIS_URL is usually the one to shorten). */
export function secretsCapMessage(budget: SecretsBudget): string {
  const list = budget.lengths
    .filter(([, l]) => l > 0)
    .map(([n, l]) => `${n} ${l}`)
    .join(', ');
  // One sentence for both states, so the over and near messages cannot drift apart.
  const over = budget.state === 'over';
  const head = `${over ? 'The' : 'Note: the'} secrets this action reads total ${budget.total} characters (${list}), ${over ? 'over' : 'near'} HubSpot's cap of ${HUBSPOT_SECRETS_CAP} for all of an action's secrets together${over ? ', so HubSpot may refuse or cut one of them.' : '; a value cut at the cap fails like a wrong one.'}`;
  return `${head} Shorten the longest: a REDIS_URL with a long host name or password is the usual culprit — use a shorter password or a short DNS name for the Redis host, or remove REDIS_URL (each Lambda then mints its own FML token).`;
}
