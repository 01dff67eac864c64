// Finding the code blocks of the Markdown docs, for the test that type-checks them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One fenced block of a Markdown file. */
export interface CodeBlock {
  /** `README.md:57`: the file and the line of the opening fence, for messages. */
  where: string;
  /** The fence's language (`ts`, `js`, `json`, `sh`, ...), lower case; `''` when none. */
  lang: string;
  code: string;
  /**
   * Declarations the block assumes but does not show (`rawBody`, `app`), from an HTML comment on the
   * line(s) right above the fence: `<!-- prelude: declare const rawBody: string; -->`. GitHub hides it; the
   * check compiles it first, so the reader's snippet stays short and its free names stay typed.
   */
  prelude: string;
}

const FENCE = /^(`{3,}|~{3,})\s*([\w-]*)/;
const PRELUDE = /<!--\s*prelude:([\s\S]*?)-->\s*$/;

/** The fenced blocks of one Markdown text. */
export function codeBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence); i++) body.push(lines[i]!);
    const above = lines.slice(Math.max(0, start - 12), start).join('\n');
    blocks.push({
      where: `${file}:${start + 1}`,
      lang: open[2]!.toLowerCase(),
      code: body.join('\n'),
      prelude: PRELUDE.exec(above)?.[1]?.trim() ?? '',
    });
  }
  return blocks;
}

/** README.md and every Markdown guide under docs/ (not the generated docs/api), relative to `root`. */
export function docFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return path === join('docs', 'api') ? [] : walk(path);
      return entry.name.endsWith('.md') ? [path] : [];
    });
  let guides: string[] = [];
  try {
    guides = walk('docs');
  } catch {
    // no docs/ folder yet
  }
  return ['README.md', ...guides].map((path) => relative(root, join(root, path)));
}

/** Every block of every doc file. */
export function allDocBlocks(root: string): CodeBlock[] {
  return docFiles(root).flatMap((file) => codeBlocks(readFileSync(join(root, file), 'utf8'), file));
}
