import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKey } from '../../src/idempotency';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { signWebhookBody } from '../../src/webhooks/sign';
import { api, mint, postCase, startReceiver, type Receiver } from '../sandbox/helpers';

// docs/connectors/workato.md's formulas, taken from the guide itself (the code block after each marker),
// evaluated by Ruby — Workato formulas are allowlisted Ruby methods — with Workato's two string formulas
// the signature needs defined as Workato documents them: `hmac_sha256(key)` returns the raw HMAC bytes,
// `encode_hex` their lower-case hex. Datapills (`[Raw body]`) become Ruby variables.
const GUIDE = readFileSync(fileURLToPath(new URL('../../docs/connectors/workato.md', import.meta.url)), 'utf8');

function formulaAfter(marker: string): string {
  const at = GUIDE.indexOf(`<!-- workato:${marker} -->`);
  if (at < 0) throw new Error(`docs/connectors/workato.md has no <!-- workato:${marker} --> block`);
  const block = /```ruby\n([^\n]+)\n```/.exec(GUIDE.slice(at));
  return block![1]!;
}

const PILLS: Record<string, string> = {
  '[Raw body]': 'raw_body',
  '[FML webhook secret]': 'secret',
  '[X-FML-Signature]': 'header',
  '[crmSource]': 'crm_source',
  '[crmRecordId]': 'crm_record_id',
};

/** Ruby source evaluating `formula` once per case of the JSON on stdin; prints a JSON array of results. */
function rubyProgram(formula: string, vars: string[]): string {
  let expr = formula;
  for (const [pill, name] of Object.entries(PILLS)) expr = expr.split(pill).join(name);
  return `
require "openssl"; require "json"; require "base64"
class String
  def hmac_sha256(key) = OpenSSL::HMAC.digest("SHA256", key, self)
  def encode_hex = unpack1("H*")
end
out = JSON.parse($stdin.read).map do |c|
  ${vars.map((v) => `${v} = c["${v}"]`).join('; ')}
  raw_body = Base64.strict_decode64(c["raw_body_b64"]) if c["raw_body_b64"]
  (${expr})
end
puts JSON.generate(out)`;
}

/**
 * Is `ruby` on PATH? Without it the three formula tests are SKIPPED on a developer's machine, with the
 * warning below in the output — and FAIL on CI (`.ci/run` exports FML_CI=1, and installs ruby; most CI
 * services set CI): a run that could not check the guide's formulas must never pass as one that did.
 */
function rubyVersion(): string | undefined {
  try {
    return execFileSync('ruby', ['-e', 'print RUBY_VERSION'], {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}
const RUBY = rubyVersion();
const ON_CI = Boolean(process.env.FML_CI || process.env.CI);
const NO_RUBY =
  "ruby is not installed, so the Workato guide's formulas were NOT checked (Debian/Ubuntu: apt-get install -y ruby; macOS has it). .ci/run installs it on CI, where a missing ruby fails these tests.";
if (!RUBY && !ON_CI) console.warn(`SKIPPED test/connectors/workato.test.ts formula tests: ${NO_RUBY}`);
/** The formula tests: run when ruby is there, skipped (with the warning above) locally when it is not. */
const itRuby = RUBY || ON_CI ? it : it.skip;

function ruby(program: string, input: unknown): Promise<unknown[]> {
  if (!RUBY) return Promise.reject(new Error(`On CI the Workato formula tests need ruby: ${NO_RUBY}`));
  return new Promise((resolve, reject) => {
    const child = execFile('ruby', ['-e', program], { timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as unknown[]),
    );
    child.stdin!.end(JSON.stringify(input));
  });
}

interface SignatureCase {
  raw_body_b64: string;
  header: string;
  secret: string;
}
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

describe('the Workato guide (docs/connectors/workato.md)', () => {
  let sb: Sandbox;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    sb = await startSandbox({ webhookRetryDelaysMs: [10] });
    sb.addWebhookEndpoint(receiver.url);
  });
  afterAll(async () => {
    await sb?.close();
    await receiver?.close();
  });

  itRuby('its signature formula accepts every delivery the sandbox signs, byte for byte as received', async () => {
    const call = api(sb, await mint(sb));
    const created = await postCase(
      call,
      {
        customerEmail: 'jane@acme.example',
        companyName: 'Société Générale — Zürich 株式会社',
        crmRecordId: '42',
        crmSource: 'hubspot',
      },
      { 'idempotency-key': 'hubspot-42' },
    );
    const { caseId } = (await created.json()) as { caseId: string };
    sb.advanceCase(caseId, { status: 'approved', recommendation: 'approve' });
    await sb.waitForDeliveries();
    expect(receiver.requests.length).toBeGreaterThanOrEqual(4);
    // The receiver keeps the body as UTF-8 text of the bytes received, as Workato's raw body does.
    const cases: SignatureCase[] = receiver.requests.map((r) => ({
      raw_body_b64: b64(r.body),
      header: String(r.headers['x-fml-signature']),
      secret: sb.webhookSecret,
    }));
    expect(await ruby(rubyProgram(formulaAfter('signature-formula'), ['header', 'secret']), cases)).toEqual(
      cases.map(() => true),
    );
  });

  itRuby('and refuses a tampered body, a re-serialised body, a wrong secret and a missing signature', async () => {
    const secret = 'whsec_workato_guide_test';
    const body = `{"event":"case.status.changed","eventId":"0b9f6c1e-8d1a-4c2e-9f7b-3a5d2e1c4b6a","eventVersion":1,"timestamp":"2026-12-07T09:00:00.000Z","orgId":"org_1","caseId":"CS-2026-00471","status":"approved","previousStatus":"in-progress","companyName":"Ünïcode \\u00e9 Ltd"}`;
    const header = signWebhookBody(body, secret);
    const cases: SignatureCase[] = [
      { raw_body_b64: b64(body), header, secret },
      { raw_body_b64: b64(body), header: ` ${header.toUpperCase().replace('SHA256=', 'sha256=')} `, secret },
      { raw_body_b64: b64(body.replace('approved', 'declined')), header, secret },
      { raw_body_b64: b64(JSON.stringify(JSON.parse(body))), header, secret },
      { raw_body_b64: b64(body), header, secret: 'whsec_other' },
      { raw_body_b64: b64(body), header: '', secret },
    ];
    expect(await ruby(rubyProgram(formulaAfter('signature-formula'), ['header', 'secret']), cases)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  itRuby("its Idempotency-Key formula is the SDK's idempotencyKey.forCrmRecord rule", async () => {
    const inputs = [
      ['HubSpot', '12345678901'],
      [' Salesforce ', ' 0015g00000XyZ '],
      ['pipedrive', '9001'],
    ] as const;
    const results = await ruby(
      rubyProgram(formulaAfter('idempotency-key-formula'), ['crm_source', 'crm_record_id']),
      inputs.map(([crm_source, crm_record_id]) => ({ crm_source, crm_record_id })),
    );
    expect(results).toEqual(inputs.map(([s, id]) => idempotencyKey.forCrmRecord(s, id)));
  });

  it('its polling recipe (since + type + limit, repeated with each cursor) reads every event once, in order', async () => {
    const call = api(sb, await mint(sb));
    const since = new Date(Date.now() - 60_000).toISOString();
    // Four of its own (pages of two, so the cursor is followed), whatever the tests before it made.
    for (const id of ['p1', 'p2', 'p3', 'p4'])
      await postCase(call, { customerEmail: `${id}@acme.example`, crmRecordId: id, crmSource: 'hubspot' });
    const want = sb.events.filter((e) => e.event === 'case.created').map((e) => e.eventId);
    expect(want.length).toBeGreaterThanOrEqual(4);

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const query = new URLSearchParams({ since, type: 'case.created', limit: '2', ...(cursor ? { cursor } : {}) });
      const res = await call(`/v1/events?${query}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        data: { eventId: string; event: string }[];
        nextCursor: string | null;
        hasMore: boolean;
      };
      for (const e of body.data) {
        expect(e.event).toBe('case.created');
        seen.push(e.eventId);
      }
      if (!body.hasMore) break;
      cursor = body.nextCursor;
    }
    expect(seen).toEqual(want);
  });
});
