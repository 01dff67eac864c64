import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSandbox, type RequestLogEntry } from '../../src/sandbox/index';
import { startFakeHubSpot } from '../../src/sandbox/fake-hubspot';

// close() must settle what is in flight: a request stalled by a delay fault ends at once, its timer is
// cleared and its handler finishes (it shows up in the log), so a test process never hangs on a stub.

// setTimeout is faked (nothing else): the servers' delay timers become countable, and never fire on their own.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A request without keep-alive or client timers (node:http, no agent); resolves how it ended. */
function send(url: string, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { method: 'GET', agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(`answered ${res.statusCode}`));
      res.on('error', () => resolve('dropped'));
    });
    req.on('error', () => resolve('dropped'));
    req.end();
  });
}

async function until(condition: () => boolean): Promise<void> {
  // setImmediate, not setTimeout: setTimeout is faked here.
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  if (!condition()) throw new Error('condition never held');
}

describe('close() settles pending work', () => {
  it('sandbox: a request held by a 60 s delay ends at once, logged, with no timer left', async () => {
    const log: RequestLogEntry[] = [];
    const sb = await startSandbox({ onRequest: (e) => log.push(e) });
    sb.faults.delay(60_000, { path: '/v1/cases', times: 1 });
    const pending = send(sb.url, '/v1/cases');
    await until(() => vi.getTimerCount() === 1); // the request is stalled on the fault's timer
    await sb.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(await pending).toBe('dropped');
    // The handler finished (it logs on the way out): nothing awaits a timer that will never fire.
    await until(() => log.length === 1);
    expect(log).toEqual([expect.objectContaining({ method: 'GET', path: '/v1/cases', status: 0, fault: 'delay' })]);
  });

  it('fake HubSpot: a request held by a 60 s delay ends at once, recorded with status 0, with no timer left', async () => {
    const hs = await startFakeHubSpot();
    hs.faults.delay(60_000, { path: '/crm/v3/objects/companies' });
    const pending = send(hs.url, '/crm/v3/objects/companies/1', { authorization: `Bearer ${hs.accessToken}` });
    await until(() => vi.getTimerCount() === 1);
    await hs.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(await pending).toBe('dropped');
    await until(() => hs.requests.length === 1);
    expect(hs.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/crm/v3/objects/companies/1', status: 0, fault: 'delay' }),
    ]);
  });
});
