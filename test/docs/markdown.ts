// Reading the Markdown docs for the tests that check them: their files, fenced code blocks, relative links and headings.
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

/** Where a Markdown text's fences are: the opening line, the closing line (or the end), the language. */
interface Fence {
  start: number;
  end: number;
  lang: string;
}

/** The one reading of fences every check uses: a fence closes at a line starting with its own marker. */
function fences(lines: readonly string[]): Fence[] {
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(open[1]!); i++);
    found.push({ start, end: i, lang: open[2]!.toLowerCase() });
  }
  return found;
}

/** The lines outside fences, with their 0-based numbers: where links and headings are read. */
function proseLines(markdown: string): Array<[number, string]> {
  const lines = markdown.split('\n');
  const inFence = new Set(
    fences(lines).flatMap(({ start, end }) => Array.from({ length: end - start + 1 }, (_, k) => start + k)),
  );
  return lines.flatMap((line, n) => (inFence.has(n) ? [] : [[n, line] as [number, string]]));
}

/** The fenced blocks of one Markdown text. */
export function codeBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split('\n');
  return fences(lines).map(({ start, end, lang }) => ({
    where: `${file}:${start + 1}`,
    lang,
    code: lines.slice(start + 1, end).join('\n'),
    prelude: PRELUDE.exec(lines.slice(Math.max(0, start - 12), start).join('\n'))?.[1]?.trim() ?? '',
  }));
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

/** A relative link of a Markdown file: `[text](target)` where the target is a path and/or `#anchor`. */
export interface DocLink {
  where: string;
  path: string;
  anchor: string;
}

/** The relative links outside code blocks and inline code (web links are not checked: CI is offline). */
export function relativeLinks(markdown: string, file: string): DocLink[] {
  return proseLines(markdown).flatMap(([n, line]) =>
    [...line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)]
      .map((match) => match[1]!)
      .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target)) // https:, mailto:
      .map((target) => {
        const [path = '', anchor = ''] = target.split('#');
        return { where: `${file}:${n + 1}`, path, anchor };
      }),
  );
}

/** The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, spaces as `-`. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, line] of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  return anchors;
}
