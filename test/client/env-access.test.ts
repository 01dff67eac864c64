import { describe, expect, it } from 'vitest';
import { FmlClient } from '../../src/index';

// Deno without --allow-env throws on every read of process.env (NotCapable). A client given its
// credentials in code must not need the environment; the matrix runs this for real on Deno.
const refusingEnv = (): Record<string, string | undefined> =>
  new Proxy(
    {},
    {
      get: (_target, key) => {
        throw new Error(`Requires env access to "${String(key)}", run again with the --allow-env flag`);
      },
    },
  );

describe('environment access', () => {
  it('a client with explicit options reads no environment variable it was not asked to', () => {
    expect(
      () =>
        new FmlClient({ clientId: 'id', clientSecret: 'secret', baseUrl: 'http://127.0.0.1:9', env: refusingEnv() }),
    ).not.toThrow();
  });

  it('a refused read of FML_CLIENT_ID still surfaces (the runtime says which flag is missing)', () => {
    expect(() => new FmlClient({ env: refusingEnv() })).toThrow(/--allow-env/);
  });
});
