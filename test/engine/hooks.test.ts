import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FmlClient, FmlConnectionError, type AttemptInfo } from '../../src/index';
import { createHubSpotSender } from '../../src/hubspot/crm/http';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

// Per-attempt hooks: what a metrics exporter would hear, for FML calls and HubSpot calls alike.
type Heard = [string, AttemptInfo & Record<string, unknown>];

function recorder() {
  const heard: Heard[] = [];
  const hook = (name: string) => (info: AttemptInfo) => void heard.push([name, { ...info } as Heard[1]]);
  return {
    heard,
    hooks: { onRequest: hook('request'), onResponse: hook('response'), onRetry: hook('retry'), onError: hook('error') },
  };
}

describe('hooks on FML calls (sandbox)', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await startSandbox({ webhookRetryDelaysMs: [], rateLimit: false, tokenRateLimit: false });
  });
  afterEach(() => sb.close());

  it('hears every attempt: method, URL, status, attempt number, duration, request id, and the retry between', async () => {
    const { heard, hooks } = recorder();
    const fml = new FmlClient({
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      baseUrl: sb.url,
      retryBaseDelayMs: 5,
      hooks,
      env: {},
    });
    sb.faults.add({ kind: 'status', status: 503, method: 'POST', path: '/v1/cases', times: 1 });
    await fml.cases.create(
      { customerEmail: 'kyb@acme.example', crmRecordId: '1', crmSource: 'hubspot' },
      { idempotencyKey: 'hubspot-1' },
    );
    const cases = heard.filter(([, i]) => i.url === `${sb.url}/v1/cases`);
    expect(cases.map(([name, i]) => [name, i.attempt, i.status])).toEqual([
      ['request', 1, undefined],
      ['response', 1, 503],
      ['retry', 1, 503],
      ['request', 2, undefined],
      ['response', 2, 201],
    ]);
    const ok = cases[4]![1];
    expect(ok).toMatchObject({ service: 'FML', method: 'POST' });
    expect(typeof ok.durationMs).toBe('number');
    expect(ok.requestId).toMatch(/\S/);
    expect(cases[2]![1]).toMatchObject({ reason: '503' });
    expect(typeof cases[2]![1].delayMs).toBe('number');
    // The token mint is an attempt too, and its secret is nowhere in what the hooks heard.
    expect(heard.some(([, i]) => i.url.endsWith('/v1/oauth/token'))).toBe(true);
    expect(JSON.stringify(heard)).not.toContain(sb.clientSecret);
  });

  it('hears a connection failure as onError, and a throwing hook never fails the call', async () => {
    const { heard, hooks } = recorder();
    const lines: string[] = [];
    const fml = new FmlClient({
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      baseUrl: sb.url,
      retryBaseDelayMs: 5,
      env: {},
      logger: { warn: (m: string) => lines.push(m) },
      hooks: {
        ...hooks,
        onResponse: () => {
          throw new Error('metrics down');
        },
      },
    });
    sb.faults.add({ kind: 'reset', method: 'GET', path: '/v1/cases', times: 1 });
    await fml.cases.list().firstPage();
    const errors = heard.filter(([name]) => name === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]![1].error).toBeInstanceOf(FmlConnectionError);
    expect(lines.some((l) => l.includes('onResponse hook threw: metrics down'))).toBe(true);
  });

  it('refuses hooks that are not functions', () => {
    expect(
      () => new FmlClient({ clientId: 'a', clientSecret: 'b', env: {}, hooks: { onRequest: 'yes' as never } }),
    ).toThrow(/hooks.onRequest must be a function/);
  });
});

describe('hooks on HubSpot calls', () => {
  afterEach(() => nock.cleanAll());

  it('see the URL with the developer API key masked', async () => {
    const { heard, hooks } = recorder();
    nock('https://hubspot.test').get('/automation/v4/actions/1').query(true).reply(200, { results: [] });
    const send = createHubSpotSender(
      { developerApiKey: 'dev-key-SECRET-42' },
      { baseUrl: 'https://hubspot.test', hooks },
    );
    await send('GET', '/automation/v4/actions/1', undefined, 'list definitions');
    expect(heard.map(([n, i]) => [n, i.service, i.url])).toEqual([
      ['request', 'HubSpot', 'https://hubspot.test/automation/v4/actions/1?hapikey=***'],
      ['response', 'HubSpot', 'https://hubspot.test/automation/v4/actions/1?hapikey=***'],
    ]);
    expect(JSON.stringify(heard)).not.toContain('SECRET');
  });
});
