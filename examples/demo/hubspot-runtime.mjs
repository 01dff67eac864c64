// A stand-in for HubSpot's Custom Code runtime: loads an action file into a fresh `node:vm` context the
// way a Lambda loads it — CommonJS, `require` limited to Node's built-ins, the ticked secrets (and
// nothing else) in `process.env` — and returns its `exports.main`. One loaded file = one warm Lambda:
// module-level state (the SDK's client and token) lives as long as the returned handler.
import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname } from 'node:path';
import vm from 'node:vm';

const nodeRequire = createRequire(import.meta.url);

/**
 * @param {string} file the action file (e.g. dist/hubspot/fml-hubspot-action.js)
 * @param {{ secrets: Record<string, string>, log?: (line: string) => void }} options
 * @returns {{ main: (event: unknown, callback?: unknown) => Promise<any>, required: string[] }}
 */
export function loadCustomCodeAction(file, { secrets, log = () => {} }) {
  const required = [];
  const sandboxRequire = (id) => {
    required.push(id);
    if (!isBuiltin(id))
      throw new Error(`Cannot find module '${id}' (HubSpot's runtime only has Node built-ins and its allow-list)`);
    return nodeRequire(id);
  };
  const console = {
    log: (...args) => log(args.join(' ')),
    info: (...args) => log(args.join(' ')),
    warn: (...args) => log(args.join(' ')),
    error: (...args) => log(args.join(' ')),
    debug: () => {},
  };
  // The globals a Node 20/24 Lambda has; `process` is reduced to what an action may rely on.
  const context = vm.createContext({
    console,
    process: { env: { ...secrets }, version: process.version, versions: process.versions, platform: process.platform },
    fetch,
    Headers,
    Request,
    Response,
    AbortController,
    AbortSignal,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    crypto: globalThis.crypto,
    structuredClone,
    queueMicrotask,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    performance,
  });
  const module = { exports: {} };
  const wrapper = vm.compileFunction(
    readFileSync(file, 'utf8'),
    ['exports', 'require', 'module', '__filename', '__dirname'],
    { parsingContext: context, filename: basename(file) },
  );
  wrapper(module.exports, sandboxRequire, module, file, dirname(file));
  if (typeof module.exports.main !== 'function') throw new Error(`${file} does not set exports.main`);
  return { main: module.exports.main, required };
}
