import { createServer, type Server } from 'node:http';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FmlClient } from '../../src/client';
import { FmlConfigError } from '../../src/errors';
import {
  hubspotCustomCodeAction,
  RetryableActionError,
  type CustomCodeActionOptions,
  type HubSpotActionEvent,
} from '../../src/hubspot/index';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import type { RequestLogEntry } from '../../src/sandbox/index';

let sb: Sandbox;
const log: RequestLogEntry[] = [];

beforeAll(async () => {
  // No rate limits: every test builds a fresh action, so a fresh client and token mint.
  sb = await startSandbox({ rateLimit: false, tokenRateLimit: false, onRequest: (e) => log.push(e) });
});
afterAll(() => sb.close());
afterEach(() => {
  sb.reset();
  log.length = 0;
});

const OUTPUT_KEYS = [
  'caseId',
  'customerPortalUrl',
  'errorCode',
  'errorMessage',
  'inviteSentAt',
  'ok',
  'replayed',
  'status',
];

function event(
  inputFields: Record<string, unknown>,
  objectId: number | string = inputFields.companyId as number,
): HubSpotActionEvent {
  return {
    origin: { portalId: 123456, actionDefinitionId: 789 },
    object: { objectType: 'COMPANY', objectId },
    inputFields,
    callbackId: `ap-${Math.random()}`,
  };
}

const company = (id: number, extra: Record<string, unknown> = {}) =>
  event({
    companyId: id,
    name: 'Acme Holdings Ltd',
    country: 'United Kingdom',
    email: 'jane@acme.example',
    contact: 'Jane Doe',
    ...extra,
  });

function action(options: CustomCodeActionOptions = {}, secrets: { id?: string; secret?: string; url?: string } = {}) {
  const env = {
    FML_CLIENT_ID: secrets.id ?? sb.clientId,
    FML_CLIENT_SECRET: secrets.secret ?? sb.clientSecret,
    FML_BASE_URL: secrets.url ?? sb.url,
  };
  return { main: hubspotCustomCodeAction({ log: false, ...options, env }), env };
}

const apiCalls = (path: string) => log.filter((e) => e.path === path).length;

async function thrown(p: Promise<unknown>): Promise<RetryableActionError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RetryableActionError);
  return error as RetryableActionError;
}

describe('hubspotCustomCodeAction: success', () => {
  it('creates the case and returns every output, with replayed "false"', async () => {
    const { main } = action();
    const { outputFields } = await main(company(101));
    expect(Object.keys(outputFields).sort()).toEqual(OUTPUT_KEYS);
    const made = sb.cases;
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      crmRecordId: '101',
      crmSource: 'hubspot',
      customerEmail: 'jane@acme.example',
      companyName: 'Acme Holdings Ltd',
      customerName: 'Jane Doe',
      country: 'United Kingdom',
    });
    expect(outputFields).toEqual({
      ok: true,
      caseId: made[0]!.caseId,
      customerPortalUrl: made[0]!.customerPortalUrl,
      inviteSentAt: made[0]!.inviteSentAt,
      status: 'in-progress',
      replayed: 'false',
      errorCode: '',
      errorMessage: '',
    });
  });

  it('passes the result to a callback (Node 20) and also returns it (Node 24)', async () => {
    const { main } = action();
    // Declared as (event, ...rest): a parameter-counting runtime must not take it for callback style.
    expect(main.length).toBe(1);
    const calls: unknown[] = [];
    const returned = await main(company(102), (r: unknown) => calls.push(r));
    expect(calls).toEqual([returned]);
    expect(returned.outputFields.ok).toBe(true);
  });

  it('ignores a second argument that is not a function', async () => {
    const { main } = action();
    for (const second of [undefined, null, {}, 'callback', 42]) {
      await expect(main(company(103), second)).resolves.toMatchObject({ outputFields: { ok: true } });
    }
  });

  it('replays on a re-run: same case, replayed "idempotency-key", no duplicate', async () => {
    const { main } = action();
    const first = await main(company(104));
    const again = await main(company(104));
    expect(again.outputFields).toMatchObject({
      ok: true,
      caseId: first.outputFields.caseId,
      replayed: 'idempotency-key',
    });
    expect(sb.cases).toHaveLength(1);
  });

  it('reports replayed "crm-record-id" when FML already had a case for the Company', async () => {
    const fml = new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url, env: {} });
    const existing = await fml.cases.create({
      customerEmail: 'other@acme.example',
      crmRecordId: '105',
      crmSource: 'hubspot',
    });
    const { outputFields } = await action().main(company(105));
    expect(outputFields).toMatchObject({ ok: true, caseId: existing.case.caseId, replayed: 'crm-record-id' });
    expect(sb.cases).toHaveLength(1);
  });

  it('falls back to the enrolled Company id when the companyId input is unset', async () => {
    const { main } = action();
    const { outputFields } = await main(event({ email: 'a@b.example', companyId: '' }, 106));
    expect(outputFields.ok).toBe(true);
    expect(sb.cases[0]!.crmRecordId).toBe('106');
  });

  it('does not take a Contact id for a Company id', async () => {
    const e = event({ email: 'a@b.example' }, 107);
    e.object!.objectType = 'CONTACT';
    const { outputFields } = await action().main(e);
    expect(outputFields).toMatchObject({ ok: false, errorCode: 'validation_error' });
    expect(outputFields.errorMessage).toContain('hs_object_id');
  });

  it('sends no invite when configured so', async () => {
    const { outputFields } = await action({ sendInvite: false }).main(company(108));
    expect(outputFields).toMatchObject({ ok: true, inviteSentAt: '' });
  });

  it('reuses one client, and its token, across warm executions', async () => {
    const { main } = action();
    await main(company(109));
    await main(company(110));
    await main(company(109));
    expect(apiCalls('/v1/oauth/token')).toBe(1);
    expect(apiCalls('/v1/cases')).toBe(3);
  });

  it('makes a new client when the secrets change', async () => {
    const env: Record<string, string | undefined> = {
      FML_CLIENT_ID: sb.clientId,
      FML_CLIENT_SECRET: sb.clientSecret,
      FML_BASE_URL: sb.url,
    };
    const main = hubspotCustomCodeAction({ log: false, env });
    await main(company(111));
    const other = sb.createClient();
    env.FML_CLIENT_ID = other.clientId;
    env.FML_CLIENT_SECRET = other.clientSecret;
    await main(company(112));
    expect(apiCalls('/v1/oauth/token')).toBe(2);
    env.FML_CLIENT_SECRET = 'sk_test_now_wrong_000000';
    expect((await main(company(113))).outputFields.errorCode).toBe('invalid_client');
  });

  it('logs one line per run, without the secret', async () => {
    const lines: string[] = [];
    const { main, env } = action({ log: (l) => lines.push(l) });
    await main(company(114));
    await main(company(114));
    await main(company(115, { email: '' }));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('replayed: idempotency-key');
    expect(lines[2]).toContain('validation_error');
    for (const l of lines) expect(l).not.toContain(env.FML_CLIENT_SECRET);
  });
});

describe('hubspotCustomCodeAction: permanent failures come back as ok: false', () => {
  it('names a secret that is not ticked, and sends nothing', async () => {
    const main = hubspotCustomCodeAction({ log: false, env: { FML_CLIENT_ID: sb.clientId, FML_BASE_URL: sb.url } });
    const { outputFields } = await main(company(201));
    expect(Object.keys(outputFields).sort()).toEqual(OUTPUT_KEYS);
    expect(outputFields).toMatchObject({ ok: false, errorCode: 'missing_secret', caseId: '', replayed: '' });
    expect(outputFields.errorMessage).toContain('FML_CLIENT_SECRET');
    expect(outputFields.errorMessage).not.toContain('FML_CLIENT_ID');
    expect(outputFields.errorMessage).toMatch(/tick/i);
    expect(outputFields.errorMessage).toContain('Secrets panel');
    expect(log).toHaveLength(0);
  });

  it('names both secrets when neither is there (empty strings count as missing)', async () => {
    const main = hubspotCustomCodeAction({ log: false, env: { FML_CLIENT_ID: '  ' } });
    const { outputFields } = await main(company(202));
    expect(outputFields.errorMessage).toContain('FML_CLIENT_ID and FML_CLIENT_SECRET are not available');
  });

  it('reports an empty kyb_contact_email before calling FML', async () => {
    const { outputFields } = await action().main(company(203, { email: '   ' }));
    expect(outputFields).toMatchObject({ ok: false, errorCode: 'validation_error' });
    expect(outputFields.errorMessage).toContain('kyb_contact_email is empty on this Company');
    expect(log).toHaveLength(0);
  });

  it('names the renamed input in the message', async () => {
    const { outputFields } = await action({ inputs: { email: 'kyb_contact_email' } }).main(
      event({ companyId: 204, kyb_contact_email: '' }),
    );
    expect(outputFields.errorMessage).toContain('(input "kyb_contact_email")');
  });

  it('explains invalid_client without echoing the secret', async () => {
    const secret = 'sk_test_wrong_but_secret_123456';
    const { outputFields } = await action({}, { secret }).main(company(205));
    expect(outputFields).toMatchObject({ ok: false, errorCode: 'invalid_client' });
    expect(outputFields.errorMessage).toContain('FML_CLIENT_SECRET');
    expect(JSON.stringify(outputFields)).not.toContain(secret);
    expect(sb.cases).toHaveLength(0);
  });

  it('explains a client without cases:write', async () => {
    const readOnly = sb.createClient({ scopes: ['read:cases'] });
    const { outputFields } = await action({}, { id: readOnly.clientId, secret: readOnly.clientSecret }).main(
      company(206),
    );
    expect(outputFields).toMatchObject({ ok: false, errorCode: 'insufficient_scope' });
    expect(outputFields.errorMessage).toContain('cases:write');
  });

  it('reports idempotency_key_conflict when the key was used on another endpoint', async () => {
    const fml = new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url, env: {} });
    await fml.api.GET('/v1/cases', { headers: { 'Idempotency-Key': 'hubspot-207' } });
    const { outputFields } = await action().main(company(207));
    expect(outputFields).toMatchObject({ ok: false, errorCode: 'idempotency_key_conflict' });
  });

  describe.each([false, true])(
    'when FML rejected the first request under the key (sandbox replayErrors: %s)',
    (replayErrors) => {
      let strict: Sandbox;
      beforeAll(async () => {
        strict = await startSandbox({ rateLimit: false, tokenRateLimit: false, replayErrors });
      });
      afterAll(() => strict.close());

      // An earlier run sent data FML refused (a rule the SDK cannot check locally, here a bad address),
      // under the Company's key; the admin has since fixed the Company.
      async function rejectedEarlier(companyId: number, key = `hubspot-${companyId}`): Promise<void> {
        const fml = new FmlClient({
          clientId: strict.clientId,
          clientSecret: strict.clientSecret,
          baseUrl: strict.url,
          env: {},
        });
        const refused = await fml.api.POST('/v1/cases', {
          body: { customerEmail: 'jane@', crmRecordId: String(companyId), crmSource: 'hubspot' },
          params: { header: { 'Idempotency-Key': key } },
        });
        expect(refused.response.status).toBe(400);
        expect(refused.error).toMatchObject({ error: 'validation_error' });
      }
      const strictAction = (options: CustomCodeActionOptions = {}) =>
        hubspotCustomCodeAction({
          log: false,
          ...options,
          env: { FML_CLIENT_ID: strict.clientId, FML_CLIENT_SECRET: strict.clientSecret, FML_BASE_URL: strict.url },
        });

      it(
        replayErrors
          ? 'says the key is stuck and how to recover; a new idempotencyKeySuffix then gets the case'
          : 'creates the case on the re-run with the same key',
        async () => {
          const id = replayErrors ? 260 : 261;
          await rejectedEarlier(id);
          const { outputFields } = await strictAction()(company(id));
          if (!replayErrors) {
            expect(outputFields).toMatchObject({ ok: true, replayed: 'false' });
            return;
          }
          expect(outputFields).toMatchObject({ ok: false, errorCode: 'validation_error_replayed', caseId: '' });
          expect(outputFields.errorMessage).toContain(`Idempotency-Key hubspot-${id} is stuck`);
          expect(outputFields.errorMessage).toContain('kyb_contact_email'); // the original reason, named as the HubSpot property
          expect(outputFields.errorMessage).toContain('idempotencyKeySuffix to "v2"');
          expect(strict.cases.filter((c) => c.crmRecordId === String(id))).toHaveLength(0);
          // The recovery the message describes: a new key suffix.
          const recovered = (await strictAction({ idempotencyKeySuffix: 'v2' })(company(id))).outputFields;
          expect(recovered).toMatchObject({ ok: true, replayed: 'false' });
          // A Company that already had its case keeps it under the new suffix (crmRecordId de-duplication).
          const other = (await strictAction()(company(id + 100))).outputFields;
          expect((await strictAction({ idempotencyKeySuffix: 'v2' })(company(id + 100))).outputFields).toMatchObject({
            ok: true,
            caseId: other.caseId,
            replayed: 'crm-record-id',
          });
          // Stuck again under "v2", the message names another suffix.
          await rejectedEarlier(id + 200, `hubspot-${id + 200}-v2`);
          expect(
            (await strictAction({ idempotencyKeySuffix: 'v2' })(company(id + 200))).outputFields.errorMessage,
          ).toContain('a suffix other than "v2"');
        },
      );
    },
  );

  it('refuses an idempotencyKeySuffix that cannot go into a header', () => {
    for (const bad of ['has space', 'x'.repeat(41), 'é', 42])
      expect(() => hubspotCustomCodeAction({ idempotencyKeySuffix: bad as string })).toThrow(FmlConfigError);
  });

  it('reports a REDIS_URL secret that is not a redis:// URL as configuration_error, sending nothing', async () => {
    const env = {
      FML_CLIENT_ID: sb.clientId,
      FML_CLIENT_SECRET: sb.clientSecret,
      FML_BASE_URL: sb.url,
      REDIS_URL: 'http://:s3cret-redis-pass@cache.example',
    };
    const { outputFields } = await hubspotCustomCodeAction({ log: false, env })(company(403));
    expect(outputFields).toMatchObject({ ok: false, errorCode: 'configuration_error' });
    expect(outputFields.errorMessage).toContain('The REDIS_URL secret is not usable');
    expect(outputFields.errorMessage).not.toContain('FML_BASE_URL');
    expect(JSON.stringify(outputFields)).not.toContain('s3cret-redis-pass');
    expect(log).toHaveLength(0);
  });

  it('reports an unusable FML_BASE_URL secret as configuration_error', async () => {
    const { outputFields } = await action({}, { url: 'not a url' }).main(company(208));
    expect(outputFields).toMatchObject({ ok: false, errorCode: 'configuration_error' });
    expect(outputFields.errorMessage).toContain('FML_BASE_URL');
  });

  it("relabels FML's own 400 field list to the HubSpot property", async () => {
    const server: Server = createServer((req, res) => {
      if (req.url === '/v1/oauth/token') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      // Laid out as Biome's formatter leaves it (its first pass on the one-line form is not stable).
      res.writeHead(400, { 'content-type': 'application/json', 'x-request-id': 'req_abc' }).end(
        JSON.stringify({
          error: 'validation_error',
          fields: [{ field: 'customerEmail', message: 'domain does not accept mail' }],
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const { outputFields } = await action({}, { url: `http://127.0.0.1:${port}` }).main(company(209));
      expect(outputFields).toMatchObject({ ok: false, errorCode: 'validation_error' });
      expect(outputFields.errorMessage).toContain('kyb_contact_email domain does not accept mail');
      expect(outputFields.errorMessage).toContain('req_abc');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('hubspotCustomCodeAction: a 2xx without a caseId', () => {
  it.each([
    ['201 {}', 201, {}],
    ['201 with an empty caseId', 201, { caseId: '', status: 'in-progress' }],
    [
      '200 crm-record-id replay without caseId',
      200,
      { status: 'in-progress', customerPortalUrl: 'https://p.example/' },
    ],
  ])('never outputs ok: true for %s, so no empty id is copied onto the Company', async (_label, status, body) => {
    const server: Server = createServer((req, res) => {
      if (req.url === '/v1/oauth/token') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      res
        .writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_noid' })
        .end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      // Thrown for HubSpot to re-run later (a re-run with the same key gets FML's replay): never ok: true.
      const error = await action({ budgetMs: 1500, maxRetries: 0 }, { url: `http://127.0.0.1:${port}` })
        .main(company(210))
        .then(
          (result) => {
            throw new Error(`expected a throw, got ${JSON.stringify(result.outputFields)}`);
          },
          (thrown: unknown) => thrown,
        );
      expect(error).toBeInstanceOf(RetryableActionError);
      expect(error).toMatchObject({ code: 'invalid_response', idempotencyKey: 'hubspot-210' });
      expect((error as Error).message).toContain('req_noid');
      expect((error as Error).message).toContain('caseId');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('hubspotCustomCodeAction: transient failures are thrown for HubSpot to re-run', () => {
  it('rides out one 503 inside the budget', async () => {
    sb.faults.serverError(503, { path: '/v1/cases', times: 1 });
    const { outputFields } = await action({ budgetMs: 10_000 }).main(company(301));
    expect(outputFields).toMatchObject({ ok: true, replayed: 'false' });
    expect(apiCalls('/v1/cases')).toBe(2);
  });

  it('throws an axios-like 503 when FML keeps failing, and a re-run later succeeds without a duplicate', async () => {
    sb.faults.serverError(503, { path: '/v1/cases', times: 'always' });
    const { main, env } = action({ budgetMs: 3000, maxRetries: 1 });
    const error = await thrown(main(company(302)));
    expect(error).toMatchObject({ isAxiosError: true, status: 503, code: 'server_error', response: { status: 503 } });
    expect(error.message).toContain('hubspot-302');
    for (const shown of [JSON.stringify(error), inspect(error, { depth: 5 }), error.message])
      expect(shown).not.toContain(env.FML_CLIENT_SECRET);
    sb.faults.clear();
    const later = await main(company(302));
    expect(later.outputFields).toMatchObject({ ok: true });
    expect(sb.cases).toHaveLength(1);
  });

  it('throws with status 429 when FML keeps throttling', async () => {
    sb.faults.rateLimit(1, { path: '/v1/cases', times: 'always' });
    const error = await thrown(action({ budgetMs: 2500 }).main(company(303)));
    expect(error.response.status).toBe(429);
    expect(error.status).toBe(429);
    expect(error.response.headers['retry-after']).toBe('1');
  });

  it('does not call the callback when it throws', async () => {
    sb.faults.serverError(500, { path: '/v1/cases', times: 'always' });
    const calls: unknown[] = [];
    const error = await thrown(
      action({ budgetMs: 1500, maxRetries: 0 }).main(company(304), (r: unknown) => calls.push(r)),
    );
    expect(error.status).toBe(500);
    expect(calls).toEqual([]);
  });

  it('gives up when the budget is spent on a slow FML, as a retryable timeout', async () => {
    sb.faults.delay(5000, { path: '/v1/cases', times: 'always' });
    const error = await thrown(action({ budgetMs: 800 }).main(company(305)));
    expect(error).toMatchObject({ code: 'timeout', status: 503, response: { status: 503 }, isAxiosError: true });
  });

  it('throws a retryable connection error when FML is unreachable', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as { port: number }).port;
    await new Promise((r) => dead.close(r));
    const error = await thrown(
      action({ budgetMs: 1500, maxRetries: 1 }, { url: `http://127.0.0.1:${port}` }).main(company(306)),
    );
    expect(['connection_error', 'timeout']).toContain(error.code);
    expect(error.response.status).toBe(503);
  });
});

describe('RetryableActionError.from', () => {
  it('wraps what a re-run may fix, and leaves what needs a person', async () => {
    sb.faults.serverError(503, { path: '/v1/cases', times: 'always' });
    const fml = new FmlClient({
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      baseUrl: sb.url,
      env: {},
      maxRetries: 0,
    });
    const down = await fml.cases
      .create({ customerEmail: 'jane@acme.example' }, { idempotencyKey: 'hubspot-501' })
      .catch((e: unknown) => e);
    const wrapped = RetryableActionError.from(down, 'hubspot-501');
    expect(wrapped).toBeInstanceOf(RetryableActionError);
    expect(wrapped).toMatchObject({
      name: 'RetryableActionError',
      code: 'server_error',
      status: 503,
      isAxiosError: true,
      idempotencyKey: 'hubspot-501',
    });
    expect(RetryableActionError.from(wrapped, 'other')).toBe(wrapped);
    sb.faults.clear();
    const bad = await fml.cases.create({ customerEmail: 'not an email' }).catch((e: unknown) => e);
    expect(RetryableActionError.from(bad, 'hubspot-501')).toBeUndefined();
    expect(RetryableActionError.from(new Error('boom'), 'hubspot-501')).toBeUndefined();
  });
});

describe('hubspotCustomCodeAction: options', () => {
  it('refuses a budget that leaves no headroom under 20 s, and bad values', () => {
    expect(() => hubspotCustomCodeAction({ budgetMs: 20_000 })).toThrow(FmlConfigError);
    expect(() => hubspotCustomCodeAction({ budgetMs: -1 })).toThrow(FmlConfigError);
    expect(() => hubspotCustomCodeAction({ inputs: { email: 42 as unknown as string } })).toThrow(FmlConfigError);
    // Retries are counted: a fraction is a typo, reported as one (not later, as if FML_BASE_URL were wrong).
    expect(() => hubspotCustomCodeAction({ maxRetries: 1.5 })).toThrow(/maxRetries must be a whole number/);
    expect(() => hubspotCustomCodeAction({ budgetMs: Object.create(null) as number })).toThrow(
      /budgetMs must be a number ≥ 1, got object/,
    );
    expect(() => hubspotCustomCodeAction('fast' as unknown as CustomCodeActionOptions)).toThrow(FmlConfigError);
  });

  it('reads null options as none (the settings block emptied by hand)', async () => {
    const env = { FML_CLIENT_ID: sb.clientId, FML_CLIENT_SECRET: sb.clientSecret, FML_BASE_URL: sb.url };
    const main = hubspotCustomCodeAction(null);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const { outputFields } = await main(company(402));
      expect(outputFields).toMatchObject({ ok: true, replayed: 'false' });
      expect(sb.cases[0]).toMatchObject({ crmRecordId: '402' });
      expect(outputFields.inviteSentAt).not.toBe(''); // the default sendInvite: true
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) Reflect.deleteProperty(process.env, k);
      Object.assign(process.env, saved);
    }
  });

  it('caps every output at 65,000 characters', async () => {
    const server: Server = createServer((req, res) => {
      if (req.url === '/v1/oauth/token') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: 'tok', expires_in: 3600 }));
        return;
      }
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ caseId: 'CS-1', status: 'x'.repeat(70_000), customerPortalUrl: 'https://p.example' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { outputFields } = await action(
        {},
        { url: `http://127.0.0.1:${(server.address() as { port: number }).port}` },
      ).main(company(401));
      expect(outputFields.status.length).toBe(65_000);
      expect(outputFields.inviteSentAt).toBe('');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
