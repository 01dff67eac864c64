// A writer killed mid-write, for real: it starts an atomic write of FML_TARGET whose second piece never
// comes, because the process SIGKILLs itself after the first one reached the temporary file.
import * as fs from 'node:fs';
import { writeTextAtomicSync } from '../../../src/internal/write-json-atomic';

function* pieces(): Generator<string> {
  yield `{"secret":"${process.env.FML_SECRET}",`;
  process.kill(process.pid, 'SIGKILL');
  yield '"never":true}';
}

writeTextAtomicSync(fs, process.env.FML_TARGET!, pieces());
