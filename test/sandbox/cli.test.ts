import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_RETRY_DELAYS_MS, parseCliArgs } from '../../src/sandbox/cli-args';
import { banner, runCli, type CliIo } from '../../src/sandbox/cli-main';
import { startSandbox } from '../../src/sandbox/index';
import { VERSION } from '../../src/version';
import { startReceiver } from './helpers';

/** In-process IO: captured lines and a stop switch. */
function fakeIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  let stop: ((signal: string) => void) | undefined;
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env, onStopSignal: (h) => (stop = h) };
  return { io, out, err, stop: (signal = 'SIGTERM') => stop?.(signal), started: () => stop !== undefined };
}

const credsFrom = (text: string) => ({
  url: /listening on (http:\/\/\S+)/.exec(text)?.[1] ?? '',
  clientId: /client_id\s+(\S+)/.exec(text)?.[1] ?? '',
  clientSecret: /client_secret\s+(\S+)/.exec(text)?.[1] ?? '',
});

describe('parseCliArgs', () => {
  it('reads every flag, --flag=value forms, and credentials from the environment', () => {
    const args = parseCliArgs(
      [
        '--port',
        '4011',
        '--host=0.0.0.0',
        '--persist',
        '--webhook',
        'http://127.0.0.1:3000/a',
        '--webhook=http://127.0.0.1:3000/b',
        '--token-ttl',
        '60',
        '--rate-limit',
        'off',
        '--token-rate-limit=5',
        '--retry-delays',
        '10,20',
        '--org-id',
        'org_x',
        '--quiet',
      ],
      { FML_SANDBOX_CLIENT_ID: 'pk_test_env', FML_SANDBOX_CLIENT_SECRET: 'sk_test_env' },
    );
    expect(args).toMatchObject({
      quiet: true,
      help: false,
      webhooks: ['http://127.0.0.1:3000/a', 'http://127.0.0.1:3000/b'],
    });
    expect(args.options).toMatchObject({
      port: 4011,
      host: '0.0.0.0',
      persistPath: '.fml-sandbox.json',
      tokenTtlSeconds: 60,
      rateLimit: false,
      tokenRateLimit: 5,
      webhookRetryDelaysMs: [10, 20],
      orgId: 'org_x',
      clientId: 'pk_test_env',
      clientSecret: 'sk_test_env',
    });
    expect(parseCliArgs([]).options).toMatchObject({ port: 4010, webhookRetryDelaysMs: CLI_RETRY_DELAYS_MS });
    expect(parseCliArgs(['--persist', 'state.json']).options.persistPath).toBe('state.json');
    expect(
      parseCliArgs(['--replay-errors', '--public-host', 'sb.internal', '--public-host=sb.example']).options,
    ).toMatchObject({ replayErrors: true, publicHosts: ['sb.internal', 'sb.example'] });
    expect(parseCliArgs(['--admin-token', 'a-token-of-16-chars']).options.adminToken).toBe('a-token-of-16-chars');
    expect(parseCliArgs([], { FML_SANDBOX_ADMIN_TOKEN: 'env-token-0123456789' }).options.adminToken).toBe(
      'env-token-0123456789',
    );
    expect(
      parseCliArgs(['--admin-token', 'flag-token-0123456789'], { FML_SANDBOX_ADMIN_TOKEN: 'env-token-0123456789' })
        .options.adminToken,
    ).toBe('flag-token-0123456789');
    expect(parseCliArgs([]).options).not.toHaveProperty('replayErrors');
  });

  it('refuses what it does not understand', () => {
    for (const argv of [
      ['--port', 'abc'],
      ['--port', '70000'],
      ['--bogus'],
      ['--webhook'],
      ['--retry-delays', '1,x'],
      ['--rate-limit', '0'],
      ['--public-host'],
      ['--admin-token'],
      ['--admin-token', 'short'],
    ]) {
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow();
    }
  });
});

describe('runCli (in-process)', () => {
  it('prints credentials and curl lines that work, logs requests without secrets, and stops cleanly', async () => {
    // The first delivery of each event is refused, so the log shows a retry and then the success.
    const firstTry = (r: { body: string }, earlier: { body: string }[]) => !earlier.some((e) => e.body === r.body);
    const receiver = await startReceiver((r, earlier) => (firstTry(r, earlier) ? 503 : 200));
    const cli = fakeIo();
    const exit = runCli(['--port', '0', '--webhook', receiver.url, '--retry-delays', '10'], cli.io);
    await expect.poll(cli.started).toBe(true);
    const text = cli.out.join('\n');
    const { url, clientId, clientSecret } = credsFrom(text);
    expect(text).toContain(`curl -s ${url}/v1/oauth/token`);
    expect(text).toContain(`Webhooks: ${receiver.url}`);

    const token = (await (
      await fetch(`${url}/v1/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
      })
    ).json()) as { access_token: string };
    const created = await fetch(`${url}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customerEmail: 'jane@acme.example' }),
    });
    expect(created.status).toBe(201);
    await expect.poll(() => receiver.requests.length).toBe(6);
    const { caseId } = (await created.json()) as { caseId: string };
    const eventIds = receiver.requests.map((r) => (JSON.parse(r.body) as { eventId: string }).eventId);

    const logs = cli.out.slice(1).join('\n');
    expect(logs).toMatch(/POST\s+\/v1\/oauth\/token → 200/);
    expect(logs).toMatch(/POST\s+\/v1\/cases → 201/);
    expect(logs).not.toContain(token.access_token);
    // Outgoing webhook deliveries are in the same log: each attempt, its answer and what happens next.
    await expect.poll(() => cli.out.filter((l) => l.includes('⇢')).length).toBe(6);
    const deliveries = cli.out.filter((l) => l.includes('⇢'));
    expect(deliveries.filter((l) => l.includes('→ 503') && l.includes('(attempt 1, retry at')).length).toBe(3);
    expect(deliveries.filter((l) => l.includes('→ 200') && l.includes('(attempt 2)')).length).toBe(3);
    for (const name of ['case.created', 'case.status.changed', 'case.onboarding_progress.changed'])
      expect(deliveries.some((l) => l.includes(`${receiver.url} ${name} `))).toBe(true);
    for (const id of new Set(eventIds)) expect(deliveries.filter((l) => l.includes(id))).toHaveLength(2);
    expect(caseId).toEqual(expect.any(String));
    expect(logs).not.toContain(credsFrom(text).clientSecret);

    cli.stop('SIGINT');
    expect(await exit).toBe(0);
    await expect(fetch(`${url}/v1/cases`)).rejects.toThrow();
    await receiver.close();
  });

  it('exits 0 with usage for --help, 0 with the version for --version, 2 for a bad flag, 1 with a --port 0 hint when the port is taken', async () => {
    const help = fakeIo();
    expect(await runCli(['--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toContain('Usage: fml-sandbox');
    expect(help.out.join('\n')).toContain('--version');
    for (const flag of ['--version', '-v']) {
      const version = fakeIo();
      expect(await runCli([flag], version.io)).toBe(0);
      expect(version.out).toEqual([`fml-sandbox ${VERSION} (@firstmilelabs/cases)`]);
      expect(version.started()).toBe(false);
    }
    const bad = fakeIo();
    expect(await runCli(['--nope'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toContain('--nope');

    const first = fakeIo();
    const running = runCli(['--port', '0', '--quiet'], first.io);
    await expect.poll(first.started).toBe(true);
    const port = new URL(credsFrom(first.out.join('\n')).url).port;
    const taken = fakeIo();
    expect(await runCli(['--port', port], taken.io)).toBe(1);
    expect(taken.err).toEqual([
      `fml-sandbox: could not start: port ${port} on 127.0.0.1 is already in use (another fml-sandbox?). Try --port 0 to pick a free port, or --port <n> for another one.`,
    ]);
    first.stop();
    expect(await running).toBe(0);
  });

  it('with --admin-token, prints the curl lines with it (never the token itself) and the admin routes require it', async () => {
    const adminToken = 'cli-admin-token-5b1e0c9a';
    const cli = fakeIo();
    const exit = runCli(['--port', '0', '--quiet', '--admin-token', adminToken], cli.io);
    await expect.poll(cli.started).toBe(true);
    const text = cli.out.join('\n');
    const { url } = credsFrom(text);
    expect(text).toContain('admin token     (as given)');
    expect(text).toContain(`curl -s ${url}/_sandbox/deliveries -H "Authorization: Bearer $ADMIN_TOKEN"`);
    expect(text).not.toContain(adminToken);
    expect((await fetch(`${url}/_sandbox/deliveries`)).status).toBe(401);
    expect(
      (await fetch(`${url}/_sandbox/deliveries`, { headers: { authorization: `Bearer ${adminToken}` } })).status,
    ).toBe(200);
    expect(cli.err).toEqual([]); // loopback: no warning
    cli.stop();
    expect(await exit).toBe(0);
  });

  it('prints a generated admin token in the banner (what a non-loopback host gets), and none on plain loopback', async () => {
    const sb = await startSandbox({ adminToken: 'sbadm_generated_like_0123456789' });
    const plain = await startSandbox();
    try {
      expect(banner(sb, undefined)).toContain('admin token     sbadm_generated_like_0123456789');
      expect(banner(plain, undefined)).not.toContain('admin token');
      expect(banner(plain, undefined)).toContain('(sandbox-only routes, no auth)');
    } finally {
      await sb.close();
      await plain.close();
    }
  });

  it('warns before binding a non-loopback host (here one this machine does not have, so nothing is exposed)', async () => {
    const cli = fakeIo();
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this machine, so the bind fails.
    expect(await runCli(['--port', '0', '--host', '192.0.2.1', '--quiet'], cli.io)).toBe(1);
    expect(cli.err[0]).toMatch(
      /^fml-sandbox: warning: binding 192\.0\.2\.1, so anyone who can reach this machine can call the sandbox\..*admin token/,
    );
    expect(cli.err[1]).toContain('192.0.2.1 is not an address of this machine');
  });
});

describe('the fml-sandbox executable', () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fml-sandbox-cli-'));
    // Built with the package's own bundler, like dist/sandbox/cli.js (but into a temp dir).
    const entry = fileURLToPath(new URL('../../src/sandbox/cli.ts', import.meta.url));
    await build({
      entry: { cli: entry },
      outDir: dir,
      format: ['esm'],
      outExtension: () => ({ js: '.mjs' }),
      platform: 'node',
      target: 'node20',
      dts: false,
      silent: true,
      config: false,
      clean: false,
    });
    script = join(dir, 'cli.mjs');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves on the given port and exits 0 on SIGTERM, keeping --persist state for the next run', async () => {
    const persist = join(dir, 'state.json');
    const run = async (): Promise<{
      url: string;
      clientId: string;
      clientSecret: string;
      stop: () => Promise<number | null>;
    }> => {
      const child = spawn(process.execPath, [script, '--port', '0', '--persist', persist, '--quiet'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await expect.poll(() => stdout, { timeout: 10_000 }).toContain('Ctrl+C to stop.');
      return {
        ...credsFrom(stdout),
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      };
    };
    const first = await run();
    const token = (await (
      await fetch(`${first.url}/v1/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: first.clientId,
          client_secret: first.clientSecret,
        }).toString(),
      })
    ).json()) as { access_token: string };
    const created = (await (
      await fetch(`${first.url}/v1/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ customerEmail: 'jane@acme.example' }),
      })
    ).json()) as { caseId: string };
    expect(await first.stop()).toBe(0);

    const second = await run();
    expect([second.clientId, second.clientSecret]).toEqual([first.clientId, first.clientSecret]);
    const got = await fetch(`${second.url}/v1/cases/${created.caseId}`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(got.status).toBe(200);
    expect(await second.stop()).toBe(0);
  });
});
