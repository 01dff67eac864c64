import { type CliArgs, CliUsageError, parseCliArgs, USAGE } from './cli-args';
import { VERSION } from '../version';
import { type DeliveryLogEntry, type RequestLogEntry, hostName, isLoopback } from './options';
import { startSandbox, type Sandbox } from './sandbox';

/** What the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  /** Calls `handler` on SIGINT/SIGTERM. */
  onStopSignal(handler: (signal: string) => void): void;
}

const time = (): string => new Date().toISOString().slice(11, 19);
const logLine = (e: RequestLogEntry): string =>
  `${time()} ${e.method.padEnd(6)} ${e.path} → ${e.status === 0 ? 'connection dropped' : e.status} ${e.durationMs}ms ${e.requestId}${e.fault ? ` [fault: ${e.fault}]` : ''}`;

/** An outgoing request: one webhook delivery attempt, in the same log as the requests answered. */
const deliveryLine = (e: DeliveryLogEntry): string => {
  const answer = e.status === null ? `no answer (${e.error})` : String(e.status);
  const next =
    e.outcome === 'retrying'
      ? `, retry at ${e.nextAttemptAt?.slice(11, 19)}`
      : e.outcome === 'failed'
        ? ', out of retries'
        : '';
  return `${time()} ⇢ POST  ${e.url} ${e.event} ${e.eventId} → ${answer} ${e.durationMs}ms (attempt ${e.attempt}${next})`;
};

/** What to say when the sandbox cannot start: the usual causes get the fix, not just the errno. */
function startFailure(err: NodeJS.ErrnoException, port: number | undefined, host: string | undefined): string {
  if (err.code === 'EADDRINUSE')
    return `port ${port} on ${host ?? '127.0.0.1'} is already in use (another fml-sandbox?). Try --port 0 to pick a free port, or --port <n> for another one.`;
  if (err.code === 'EACCES')
    return `no permission to listen on port ${port} (ports below 1024 need privileges). Try --port 0 or a port above 1023.`;
  if (err.code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine. Try --host 127.0.0.1.`;
  return err.message;
}

/** The banner: where it listens, the credentials, and curl lines to copy. Printing secrets is this tool's job. */
export function banner(sb: Sandbox, persistPath: string | undefined, adminTokenGiven = false): string {
  const admin = sb.adminToken === undefined ? '' : ` -H "Authorization: Bearer $ADMIN_TOKEN"`;
  const tokenJson = JSON.stringify({
    grant_type: 'client_credentials',
    client_id: sb.clientId,
    client_secret: sb.clientSecret,
  });
  const caseJson = JSON.stringify({
    customerEmail: 'jane.doe@acme.example',
    customerName: 'Jane Doe',
    companyName: 'Acme Holdings Ltd',
    country: 'United Kingdom',
    crmRecordId: '12345678901',
    crmSource: 'hubspot',
    sendInvite: true,
  });
  const hooks = sb.webhookEndpoints;
  return [
    `FML sandbox listening on ${sb.url}  (state: ${persistPath ? `persisted to ${persistPath}` : 'in memory'})`,
    '',
    `  client_id       ${sb.clientId}`,
    `  client_secret   ${sb.clientSecret}`,
    `  webhook secret  ${sb.webhookSecret}`,
    `  org id          ${sb.orgId}`,
    ...(sb.adminToken === undefined
      ? []
      : [
          `  admin token     ${adminTokenGiven ? '(as given)' : sb.adminToken}   (ADMIN_TOKEN below; required on /_sandbox routes)`,
        ]),
    '',
    'Mint a token:',
    `  TOKEN=$(curl -s ${sb.url}/v1/oauth/token -H 'Content-Type: application/json' \\`,
    `    -d '${tokenJson}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    '',
    'Create a case:',
    `  curl -s ${sb.url}/v1/cases -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\`,
    `    -H 'Idempotency-Key: hubspot-12345678901' -d '${caseJson}'`,
    '',
    `Move it along and watch the webhooks (sandbox-only routes, ${admin ? 'admin token' : 'no auth'}):`,
    `  curl -s -X POST ${sb.url}/_sandbox/cases/<caseId>/advance${admin} -H 'Content-Type: application/json' -d '{"status":"approved"}'`,
    `  curl -s ${sb.url}/_sandbox/deliveries${admin}`,
    '',
    hooks.length
      ? `Webhooks: ${hooks.map((h) => `${h.url}${h.events ? ` (${h.events.join(', ')})` : ''}`).join(', ')}`
      : `Webhooks: none yet (--webhook URL, or POST ${sb.url}/_sandbox/webhooks {"url":"..."})`,
    'Ctrl+C to stop.',
    '',
  ].join('\n');
}

/**
 * Runs `fml-sandbox`. Resolves with the exit code: 0 after a clean stop on SIGINT/SIGTERM (or after
 * `--help` / `--version`), 2 for a bad command line, 1 when the sandbox cannot start.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv, io.env);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    io.err(`fml-sandbox: ${err.message}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  if (args.version) {
    io.out(`fml-sandbox ${VERSION} (@firstmilelabs/cases)`);
    return 0;
  }
  if (!isLoopback(hostName(args.options.host ?? '127.0.0.1'))) {
    io.err(
      `fml-sandbox: warning: binding ${args.options.host}, so anyone who can reach this machine can call the sandbox. ` +
        'Its credentials are test ones, but the /_sandbox admin routes (reset, clients, faults) then need the admin token (--admin-token, or the one printed below). Use --host 127.0.0.1 unless it must be reachable.',
    );
  }
  let sb: Sandbox | undefined;
  try {
    sb = await startSandbox({
      ...args.options,
      ...(args.quiet ? {} : { onRequest: (e) => io.out(logLine(e)), onDelivery: (e) => io.out(deliveryLine(e)) }),
    });
    for (const url of args.webhooks) {
      const endpoint = sb.addWebhookEndpoint(url);
      // A persisted sandbox already knows the endpoints of earlier runs: don't deliver twice.
      if (sb.webhookEndpoints.some((h) => h.id !== endpoint.id && h.url === endpoint.url && h.orgId === endpoint.orgId))
        sb.removeWebhookEndpoint(endpoint.id);
    }
  } catch (err) {
    await sb?.close();
    io.err(
      `fml-sandbox: could not start: ${startFailure(err as NodeJS.ErrnoException, args.options.port, args.options.host)}`,
    );
    return 1;
  }
  const running = sb;
  io.out(banner(running, args.options.persistPath, args.options.adminToken !== undefined));
  return new Promise<number>((resolve) => {
    let stopping = false;
    io.onStopSignal((signal) => {
      if (stopping) return;
      stopping = true;
      io.out(`${signal}: stopping the sandbox…`);
      running.close().then(
        () => resolve(0),
        (err: Error) => {
          io.err(`fml-sandbox: error while stopping: ${err.message}`);
          resolve(1);
        },
      );
    });
  });
}
