// Every relative link in README.md and docs/*.md leads somewhere: the file exists and, for `#anchor`,
// the target Markdown file has that heading. Moving a section between guides fails here, not for a reader.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { docFiles, headingAnchors, relativeLinks } from './markdown';

const root = join(__dirname, '..', '..');

it('every relative link of the README and the guides resolves', () => {
  const problems = docFiles(root).flatMap((file) =>
    relativeLinks(readFileSync(join(root, file), 'utf8'), file).flatMap((link) => {
      const target = link.path ? join(dirname(file), link.path) : file;
      if (!existsSync(join(root, target))) return [`${link.where}: ${link.path} does not exist`];
      if (!link.anchor || !target.endsWith('.md')) return [];
      const anchors = headingAnchors(readFileSync(join(root, target), 'utf8'));
      return anchors.has(link.anchor) ? [] : [`${link.where}: ${target} has no heading #${link.anchor}`];
    }),
  );
  expect(problems).toEqual([]);
});
