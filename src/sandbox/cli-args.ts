import type { RateLimitOption, SandboxOptions } from './options';

/** What the command line asked for. */
export interface CliArgs {
  help: boolean;
  version: boolean;
  quiet: boolean;
  webhooks: string[];
  options: SandboxOptions;
}

/** Where `--persist` without a file name writes (git-ignored in this repository). */
export const DEFAULT_PERSIST_FILE = '.fml-sandbox.json';

/** Webhook retries for a standalone sandbox: slow enough to fix a receiver and see it recover. */
export const CLI_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000];

export const USAGE = `Usage: fml-sandbox [options]

Serves a local sandbox of the First Mile Labs API (OAuth, cases, events, signed webhooks).

Options:
  --port <n>              port to listen on (default 4010; 0 picks a free one)
  --host <address>        interface to bind (default 127.0.0.1)
  --persist [file]        keep state in a JSON file across restarts (default file ${DEFAULT_PERSIST_FILE})
  --webhook <url>         deliver events to this URL (repeatable; loopback allowed)
  --token-ttl <seconds>   access token lifetime, expires_in (default 3600)
  --rate-limit <n|off>    API requests per minute per client (default 120)
  --token-rate-limit <n|off>  token requests per minute per client (default 30)
  --retry-delays <ms,...> webhook retry delays (default ${CLI_RETRY_DELAYS_MS.join(',')})
  --org-id <id>           tenant of the default client (default org_sandbox)
  --replay-errors         also store a create's 400 under its Idempotency-Key and replay it
                          (default: only successes are replayed; FML's choice is undocumented)
  --public-host <name>    answer the /_sandbox admin routes for this host name too (repeatable;
                          default: loopback names only, so web pages cannot drive the sandbox)
  --admin-token <token>   require "Authorization: Bearer <token>" on the /_sandbox admin routes
                          (16+ characters; with a --host other than loopback one is always
                          required: generated and printed at start unless given)
  --quiet                 do not print a line per request and per webhook delivery
  -v, --version           print the version and exit
  -h, --help              show this help

Fixed credentials (e.g. for a saved Postman environment) come from the environment, so they stay out
of shell history: FML_SANDBOX_CLIENT_ID, FML_SANDBOX_CLIENT_SECRET, FML_SANDBOX_WEBHOOK_SECRET,
FML_SANDBOX_ADMIN_TOKEN (the same as --admin-token).
`;

/** Thrown for a command line that cannot be understood; the message says which argument. */
export class CliUsageError extends Error {}

function wholeNumber(flag: string, text: string | undefined, min: number): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < min)
    throw new CliUsageError(`${flag} needs a whole number ≥ ${min}`);
  return Number(text);
}

function rateLimit(flag: string, text: string | undefined): RateLimitOption {
  if (text === 'off' || text === 'false') return false;
  return wholeNumber(flag, text, 1);
}

/** Parses `argv` (without node and script) plus the credential environment variables. */
export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): CliArgs {
  const args: CliArgs = {
    help: false,
    version: false,
    quiet: false,
    webhooks: [],
    options: { port: 4010, webhookRetryDelaysMs: CLI_RETRY_DELAYS_MS },
  };
  const o = args.options;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq >= 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string | undefined => {
      const next = argv[i + 1];
      return inline ?? (next !== undefined && !next.startsWith('--') ? argv[++i] : undefined);
    };
    switch (flag) {
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '-v':
      case '--version':
        args.version = true;
        break;
      case '--quiet':
        args.quiet = true;
        break;
      case '--port':
        o.port = wholeNumber(flag, value(), 0);
        if (o.port > 65535) throw new CliUsageError('--port must be at most 65535');
        break;
      case '--host':
        o.host = value() ?? '';
        if (!o.host) throw new CliUsageError('--host needs an address');
        break;
      case '--persist':
        o.persistPath = value() ?? DEFAULT_PERSIST_FILE;
        break;
      case '--webhook': {
        const url = value();
        if (!url) throw new CliUsageError('--webhook needs a URL');
        args.webhooks.push(url);
        break;
      }
      case '--token-ttl':
        o.tokenTtlSeconds = wholeNumber(flag, value(), 1);
        break;
      case '--rate-limit':
        o.rateLimit = rateLimit(flag, value());
        break;
      case '--token-rate-limit':
        o.tokenRateLimit = rateLimit(flag, value());
        break;
      case '--retry-delays': {
        const text = value() ?? '';
        const delays = text.split(',').map((d) => d.trim());
        if (!delays.every((d) => /^\d+$/.test(d)))
          throw new CliUsageError('--retry-delays needs comma-separated milliseconds, e.g. 1000,5000');
        o.webhookRetryDelaysMs = delays.map(Number);
        break;
      }
      case '--org-id':
        o.orgId = value() ?? '';
        if (!o.orgId) throw new CliUsageError('--org-id needs a value');
        break;
      case '--replay-errors':
        o.replayErrors = true;
        break;
      case '--admin-token':
        o.adminToken = value() ?? '';
        if (o.adminToken.length < 16) throw new CliUsageError('--admin-token needs a token of at least 16 characters');
        break;
      case '--public-host': {
        const name = value();
        if (!name) throw new CliUsageError('--public-host needs a host name');
        o.publicHosts = [...(o.publicHosts === true ? [] : (o.publicHosts ?? [])), name];
        break;
      }
      default:
        throw new CliUsageError(`unknown argument ${JSON.stringify(argv[i])} (see --help)`);
    }
  }
  if (env.FML_SANDBOX_CLIENT_ID) o.clientId = env.FML_SANDBOX_CLIENT_ID;
  if (env.FML_SANDBOX_CLIENT_SECRET) o.clientSecret = env.FML_SANDBOX_CLIENT_SECRET;
  if (env.FML_SANDBOX_WEBHOOK_SECRET) o.webhookSecret = env.FML_SANDBOX_WEBHOOK_SECRET;
  if (env.FML_SANDBOX_ADMIN_TOKEN && o.adminToken === undefined) {
    if (env.FML_SANDBOX_ADMIN_TOKEN.length < 16)
      throw new CliUsageError('FML_SANDBOX_ADMIN_TOKEN needs a token of at least 16 characters');
    o.adminToken = env.FML_SANDBOX_ADMIN_TOKEN;
  }
  return args;
}
