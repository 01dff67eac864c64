// Runs the suite in this process's runtime (Node, Bun or Deno) and prints one result line for the
// harness. Needs only network access to the sandbox (Deno: --allow-net=127.0.0.1, nothing else).
//   <runtime> test/runtimes/entry.mjs '<SuiteConfig JSON>'
import { benchEngines, benchVerify, hasNodeCrypto, runSuite } from './suite.mjs';

const runtime = globalThis.Deno
  ? `Deno ${Deno.version.deno}`
  : globalThis.Bun
    ? `Bun ${Bun.version}`
    : `Node ${process.versions.node}`;
const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const config = JSON.parse(args[0]);
const results = await runSuite(config);
const bench = [];
for (const engine of benchEngines()) bench.push(await benchVerify(config, engine, config.benchIterations));
console.log(`@@suite ${JSON.stringify({ runtime, nodeCrypto: hasNodeCrypto(), results, bench })}`);
