// Runs a Custom Code action file the way HubSpot's Lambda wrapper does: require the file, then call
// exports.main(event) once per event (one process = one warm Lambda), in the requested handler style.
// Copied next to the bundle in a temp dir outside the repo, so no node_modules can resolve (unless a
// test sets NODE_PATH, as HubSpot's runtime provides the `redis` package).
'use strict';
const Module = require('node:module');
const { isBuiltin } = Module;

const [file, style, eventsJson] = process.argv.slice(2);
const loaded = [];
const realRequire = Module.prototype.require;
Module.prototype.require = function (id, ...rest) {
  // What the action file itself requires (what a package loads in turn is that package's business).
  if (!isBuiltin(id) && id !== file && this.filename === file) loaded.push(id);
  return realRequire.call(this, id, ...rest);
};
const report = (value) => process.stdout.write(`@@RESULT ${JSON.stringify(value)}\n`);

function describeError(error) {
  const e = error || {};
  let json;
  try {
    json = JSON.stringify(e);
  } catch (err) {
    json = `unserialisable: ${err.message}`;
  }
  return {
    name: e.name,
    message: e.message,
    code: e.code,
    status: e.status,
    isAxiosError: e.isAxiosError,
    response: e.response,
    json,
    inspected: require('node:util').inspect(e, { depth: 6 }),
  };
}

async function runOne(main, event) {
  if (style === 'return') {
    // Node 24: one argument, the outputs are the returned value.
    try {
      return { kind: 'result', returned: await main(event) };
    } catch (error) {
      return { kind: 'thrown', error: describeError(error) };
    }
  }
  // Node 20: a callback; the returned promise is awaited too (HubSpot ignores it).
  const calls = [];
  try {
    const returned = await main(event, (result) => calls.push(result));
    return { kind: 'result', returned, callbackCalls: calls };
  } catch (error) {
    return { kind: 'thrown', error: describeError(error), callbackCalls: calls };
  }
}

(async () => {
  const action = require(file);
  if (typeof action.main !== 'function') throw new Error('exports.main is not a function');
  const results = [];
  for (const event of JSON.parse(eventsJson)) results.push(await runOne(action.main, event));
  report({ node: process.versions.node, loaded, results });
})().catch((error) => {
  report({ fatal: describeError(error) });
  process.exitCode = 1;
});
