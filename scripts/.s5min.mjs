import { buildHubSpotBundles } from '/work/wt/s5-size/scripts/build-hubspot.mjs';
import * as esbuild from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
const r = await buildHubSpotBundles({ outdir: '/tmp/s5b' });
for (const [n, f] of Object.entries(r.files)) console.log(n, f.minifiedBytes, f.minifiedBytes - 65536);
const code = await readFile('/tmp/s5b/fml-hubspot-action.js', 'utf8');
const m = (await esbuild.transform(code, { minify: true, loader: 'js', target: 'node20', charset: 'utf8' })).code;
await writeFile('/tmp/s5b/action.min.js', m);
