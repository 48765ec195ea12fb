import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/** The shared folder's path, built so that this file does not itself name it. */
const SHARED = ['..', 'shared', ''].join('/');

/**
 * The repository stands on its own: no file refers to a path outside it (a sibling checkout, a
 * build machine's directory, documents that live elsewhere), and every relative link in its
 * markdown leads to a file or folder that exists. A reader of a fresh clone can follow each one.
 */

const root = join(__dirname, '..', '..');
/** This file names the forbidden paths in its own samples, so it is the one file not scanned. */
const SELF = relative(root, __filename).split('\\').join('/');

interface Finding {
  file: string;
  line: number;
  problem: string;
  text: string;
}

/** Named anywhere, in any file: places that are not in this repository. */
const OUTSIDE: Array<[RegExp, string]> = [
  [/\.\.\/shared\//, 'refers to ' + SHARED + ', outside the repository'],
  // Not after a host or another path segment (https://example.org/work/ is fine); file:///work/ is not.
  [/(?<![\w.-])\/work\//, "refers to /work/, a machine's directory outside the repository"],
  [
    /\b(?:DOMAIN|CONTRACT|STYLE)\.md\b/,
    'names a document that is not in this repository (its own are docs/domain.md and docs/api.md)',
  ],
];

/** Relative module specifiers of import, export … from, dynamic import, require and jest.mock. */
const IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*|\brequire(?:\.resolve)?\s*\(\s*|\bjest\.(?:mock|requireActual)\s*\(\s*)(['"`])(\.{1,2}\/[^'"`]*)\1/g;
/** The target of an inline link or image, `](target)` or `](<target> "title")`. */
const INLINE_LINK = /\]\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
/** A reference definition, `[label]: target`. */
const REFERENCE = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
const CODE_FILE = /\.(?:ts|tsx|js|mjs|cjs)$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** `target` as a path from the repository's root, or null when it climbs above it. */
function fromRoot(file: string, target: string): string | null {
  const joined = target.startsWith('/') ? posix.normalize(`.${target}`) : posix.join(posix.dirname(file), target);
  if (joined === '..' || joined.startsWith('../')) return null;
  return joined.replace(/\/+$/, '') || '.';
}

/** The path a markdown link target names, or null for a URL, an e-mail address or an anchor in the same file. */
function linkPath(raw: string): string | null {
  const target = raw.startsWith('<') ? raw.slice(1, -1).trim() : raw;
  if (target === '' || target.startsWith('#') || target.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(target)) return null;
  const path = target.replace(/[#?].*$/, '');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Every line of `text` (the content of `file`, a path from the repository's root) that refers to a
 * path outside the repository, or, in markdown, links to something that does not exist there.
 * `exists` answers for a path from the root.
 */
function checkText(file: string, text: string, exists: (path: string) => boolean): Finding[] {
  const findings: Finding[] = [];
  const markdown = file.endsWith('.md');
  const code = CODE_FILE.test(file);
  let fence: string | null = null;
  text.split(/\r?\n/).forEach((content, index) => {
    const report = (problem: string) => findings.push({ file, line: index + 1, problem, text: content.trim().slice(0, 160) });
    for (const [pattern, problem] of OUTSIDE) if (pattern.test(content)) report(problem);
    if (code) {
      for (const [, , specifier] of content.matchAll(IMPORT)) {
        if (fromRoot(file, specifier!) === null) report(`imports ${specifier}, above the repository's root`);
      }
    }
    if (!markdown) return;
    // Links inside code blocks and code spans are examples, not links.
    const opening = FENCE.exec(content)?.[1];
    if (fence !== null) {
      if (opening && opening[0] === fence[0] && opening.length >= fence.length && content.trim() === opening) fence = null;
      return;
    }
    if (opening) {
      fence = opening;
      return;
    }
    const prose = content.replace(/(`+)[^`].*?\1/g, (span) => ' '.repeat(span.length));
    const targets = [...prose.matchAll(INLINE_LINK)].map((match) => match[1]!);
    const reference = REFERENCE.exec(prose)?.[1];
    if (reference) targets.push(reference);
    for (const target of targets) {
      const path = linkPath(target);
      if (path === null) continue;
      const resolved = fromRoot(file, path);
      if (resolved === null) report(`links to ${target}, above the repository's root`);
      else if (!exists(resolved)) report(`links to ${target}, but ${resolved} does not exist`);
    }
  });
  return findings;
}

const describeFinding = (f: Finding) => `${f.file}:${f.line}: ${f.problem}: ${f.text}`;

describe('the path checker', () => {
  const present = new Set(['README.md', 'docs', 'docs/domain.md', 'docs/api.md', 'gateway/server.ts', 'bench/results']);
  const exists = (path: string) => present.has(path) || path === '.';
  const check = (file: string, text: string) => checkText(file, text, exists).map(describeFinding);

  it('passes links that exist, URLs, anchors, imports inside the repository and examples in code', () => {
    const readme = [
      'See [the domain](docs/domain.md), [the API](./docs/api.md#patients "API") and [docs](docs/).',
      'Figures: [results](bench/results), [top](#top), [Apollo](https://www.apollographql.com/docs/), [mail](mailto:a@b.test).',
      '![chart](<docs/domain.md>) and [root](/README.md) and https://example.org/work/page',
      '[api]: docs/api.md',
      'Inline code is not a link: `[x](missing.md)`.',
      '```ts',
      'const a = rows[0](missing.md); // ](nowhere.md) inside a code block',
      '```',
    ].join('\n');
    expect(check('README.md', readme)).toEqual([]);
    expect(check('docs/api.md', 'Back to [the README](../README.md) and [the domain](domain.md).')).toEqual([]);
    const source = [
      "import { createServer } from '../../gateway/server';",
      "import type { Finding } from './finding';",
      "const x = require('../../docs/api.md');",
      "const y = await import('../helpers/supergraph');",
    ].join('\n');
    expect(check('test/unit/sample.test.ts', source)).toEqual([]);
  });

  it('names the file and line of every path outside the repository and every broken link', () => {
    const readme = [
      '# Title',
      'Rules in [the domain](' + SHARED + 'DOMAIN.md).',
      'See [the style guide](STYLE.md) and [old docs](docs/old.md#intro).',
      'Built in /work/main; file:///work/main too.',
      'The contract (CONTRACT.md) says so.',
      '[up](../../elsewhere/README.md)',
      '[gone]: docs/gone.md',
    ].join('\n');
    expect(check('README.md', readme)).toEqual([
      'README.md:2: refers to ' + SHARED + ', outside the repository: Rules in [the domain](' + SHARED + 'DOMAIN.md).',
      'README.md:2: names a document that is not in this repository (its own are docs/domain.md and docs/api.md): Rules in [the domain](' +
        SHARED +
        'DOMAIN.md).',
      'README.md:2: links to ' +
        SHARED +
        "DOMAIN.md, above the repository's root: Rules in [the domain](" +
        SHARED +
        'DOMAIN.md).',
      'README.md:3: names a document that is not in this repository (its own are docs/domain.md and docs/api.md): See [the style guide](STYLE.md) and [old docs](docs/old.md#intro).',
      'README.md:3: links to STYLE.md, but STYLE.md does not exist: See [the style guide](STYLE.md) and [old docs](docs/old.md#intro).',
      'README.md:3: links to docs/old.md#intro, but docs/old.md does not exist: See [the style guide](STYLE.md) and [old docs](docs/old.md#intro).',
      "README.md:4: refers to /work/, a machine's directory outside the repository: Built in /work/main; file:///work/main too.",
      'README.md:5: names a document that is not in this repository (its own are docs/domain.md and docs/api.md): The contract (CONTRACT.md) says so.',
      "README.md:6: links to ../../elsewhere/README.md, above the repository's root: [up](../../elsewhere/README.md)",
      'README.md:7: links to docs/gone.md, but docs/gone.md does not exist: [gone]: docs/gone.md',
    ]);
    expect(check('docs/api.md', 'See [the domain](../../domain.md).')).toEqual([
      "docs/api.md:1: links to ../../domain.md, above the repository's root: See [the domain](../../domain.md).",
    ]);
  });

  it('finds imports that climb above the root, and outside paths in any file', () => {
    const source = [
      "import { rules } from '../../" + SHARED + "rules';",
      "export { x } from '../../../outside';",
      "const y = require('../../../../other/package.json');",
      "const data = '/work/main/data';",
    ].join('\n');
    expect(check('test/unit/sample.test.ts', source)).toEqual([
      'test/unit/sample.test.ts:1: refers to ' +
        SHARED +
        ", outside the repository: import { rules } from '../../" +
        SHARED +
        "rules';",
      'test/unit/sample.test.ts:1: imports ../../' +
        SHARED +
        "rules, above the repository's root: import { rules } from '../../" +
        SHARED +
        "rules';",
      "test/unit/sample.test.ts:2: imports ../../../outside, above the repository's root: export { x } from '../../../outside';",
      "test/unit/sample.test.ts:3: imports ../../../../other/package.json, above the repository's root: const y = require('../../../../other/package.json');",
      "test/unit/sample.test.ts:4: refers to /work/, a machine's directory outside the repository: const data = '/work/main/data';",
    ]);
    expect(check('bench/results/national.json', '{ "dir": "/work/main/data/bench/national-2022" }')).toHaveLength(1);
  });
});

describe('the repository', () => {
  /** Tracked files (git ls-files), present on disk, as text: binary files have a NUL byte, as git judges them. */
  function trackedTextFiles(): Array<{ file: string; text: string }> {
    const listed = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    expect(listed).toContain('package.json');
    return listed
      .filter((file) => file !== SELF && posix.basename(file) !== 'package-lock.json')
      .filter((file) => existsSync(join(root, file)) && lstatSync(join(root, file)).isFile())
      .map((file) => ({ file, bytes: readFileSync(join(root, file)) }))
      .filter(({ bytes }) => !bytes.subarray(0, 8000).includes(0))
      .map(({ file, bytes }) => ({ file, text: bytes.toString('utf8') }));
  }

  it('refers to no path outside itself, and its markdown links all lead somewhere', () => {
    const exists = (path: string) => existsSync(join(root, path));
    const findings = trackedTextFiles().flatMap(({ file, text }) => checkText(file, text, exists));
    expect(findings.map(describeFinding)).toEqual([]);
  });
});
