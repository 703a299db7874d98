import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ENVIRONMENT } from '../src/config/app-config';

const ROOT = resolve(__dirname, '..');
const README_MAX_LINES = 250;

/** The Markdown files a reader moves between: the README, docs/ and the example manifests' index. */
const FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
  'connectors/README.md',
];

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The text outside fenced code blocks, with fenced lines blanked so line numbers stay. */
function prose(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
        return '';
      }
      if (marker) {
        fence = marker;
        return '';
      }
      return line;
    })
    .join('\n');
}

/** GitHub's anchor for a heading: text as rendered, lower case, punctuation but `-` and `_` dropped. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__|\*)/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor the headings of a Markdown file produce (repeated headings get -1, -2...). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of prose(markdown).split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

/** The relative links of a file (`[text](path#anchor)`), outside code; URLs with a scheme are not. */
function relativeLinks(file: string): Link[] {
  // Inline code spans become blanks of the same length, so `[a](b)` written as code is no link.
  const text = prose(read(file)).replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
  const links: Link[] = [];
  for (const match of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = match[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
    links.push({ file, line: text.slice(0, match.index).split('\n').length, target });
  }
  return links;
}

/** What is wrong with a link, or undefined when it resolves. */
function problem({ file, target }: Link): string | undefined {
  const hash = target.indexOf('#');
  const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const linked = path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), path);
  if (!linked.startsWith(ROOT)) return 'points outside the repository';
  if (!existsSync(linked)) return `${relative(ROOT, linked)} does not exist`;
  if (anchor === undefined) return undefined;
  if (statSync(linked).isDirectory() || !linked.endsWith('.md')) {
    return `an anchor into ${relative(ROOT, linked)}, which is not a Markdown file`;
  }
  if (!anchors(readFileSync(linked, 'utf8')).has(anchor)) {
    return `no heading of ${relative(ROOT, linked)} makes the anchor #${anchor}`;
  }
  return undefined;
}

describe('the documentation', () => {
  it(`keeps the README a front door of at most ${README_MAX_LINES} lines`, () => {
    const lines = read('README.md').replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('makes anchors as GitHub does', () => {
    expect([...anchors('# Any HTTP API with a manifest (REST connector)')]).toEqual([
      'any-http-api-with-a-manifest-rest-connector',
    ]);
    expect([...anchors('#### Manifest: `authentication_field`')]).toEqual([
      'manifest-authentication_field',
    ]);
    expect([
      ...anchors("## How the REST connector keeps Talkdesk's rules\n## Docs\n## Docs"),
    ]).toEqual(['how-the-rest-connector-keeps-talkdesks-rules', 'docs', 'docs-1']);
    expect([...anchors('```sh\n# not a heading\n```\n## Real')]).toEqual(['real']);
  });

  it('finds links, and leaves out code and URLs', () => {
    const links = relativeLinks('README.md').map((link) => link.target);
    expect(links).toEqual(expect.arrayContaining(['docs/configuration.md']));
    expect(links.every((target) => !/^https?:/.test(target))).toBe(true);
  });

  it.each(FILES)(
    '%s: every relative link points at a file, and its anchor at a heading',
    (file) => {
      const broken = relativeLinks(file)
        .map((link) => ({ link, problem: problem(link) }))
        .filter(({ problem }) => problem !== undefined)
        .map(({ link, problem }) => `${link.file}:${link.line} (${link.target}): ${problem}`);
      expect(broken).toEqual([]);
    },
  );

  it('links every file of docs/ from the README', () => {
    const linked = new Set(
      relativeLinks('README.md').map((link) => link.target.replace(/#.*/, '')),
    );
    const unlinked = FILES.filter((file) => file.startsWith('docs/') && !linked.has(file));
    expect(unlinked).toEqual([]);
  });

  it('lists every setting in the configuration table, in the order of AppConfig', () => {
    const variables = [
      ...read('docs/configuration.md').matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\|/gm),
    ].map((match) => match[1]);
    expect(variables).toEqual(Object.values(ENVIRONMENT));
  });
});
