// One benchmark worker process, forked with an IPC channel: the benches' fleets (bench/scale, bench/fleet)
// are several of these. The worker tells `{ type }` messages ('ready', 'done', or 'crashed' with a message).
import { fork } from 'node:child_process';

/**
 * Forks `file` with `env` added to this process's environment. `next(type)` resolves with the first message
 * of that type the worker sent (before or after the call), and rejects if the worker reported a crash.
 */
export function forkWorker(file, env) {
  const child = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  const messages = [];
  const waiters = [];
  child.on('message', (m) => {
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const next = (type) =>
    new Promise((res, rej) => {
      const check = () => {
        const m = messages.find((x) => x.type === type || x.type === 'crashed');
        if (!m) return waiters.push(check);
        if (m.type === 'crashed') rej(new Error(m.message));
        else res(m);
      };
      check();
    });
  return { child, next };
}

/**
 * Starts a fleet together: waits until every worker is 'ready', sends them 'go' at once, and resolves with
 * every worker's 'done' report and the milliseconds from 'go' to the last one.
 */
export async function runFleet(workers) {
  await Promise.all(workers.map((w) => w.next('ready')));
  const started = performance.now();
  for (const w of workers) w.child.send({ type: 'go' });
  const reports = await Promise.all(workers.map((w) => w.next('done')));
  return { reports, ms: performance.now() - started };
}

/** Kills the workers still running (after a crash or a failed run). */
export function stopWorkers(workers) {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill();
}
