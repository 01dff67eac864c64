// Runs every bench/*.bench.mjs in turn, each in its own process (so one's JIT state or sockets do not
// colour the next), after `npm run build`. Each prints its own table and writes bench/results/<name>.json;
// this runner also keeps each one's printed tables in bench/results/<name>.md.
// `node bench/run.mjs client fleet` runs only the benches whose file names contain those words.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}\n`);
  const run = spawnSync(process.execPath, [join(here, file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(run.stdout ?? '');
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(
    join(here, 'results', file.replace('.bench.mjs', '.md')),
    `# ${file} (${new Date().toISOString()})\n\n\`\`\`\n${run.stdout ?? ''}\`\`\`\n`,
  );
  if (run.status !== 0) {
    failed++;
    console.error(`${file} exited with ${run.status}`);
  }
}
process.exit(failed ? 1 : 0);
