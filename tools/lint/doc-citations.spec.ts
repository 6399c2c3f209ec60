import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Comments and docs cite docs/architecture.md and docs/contracts.md, never a document outside the
// repository (the design notes once lived in a shared folder beside the checkout).
const root = fileURLToPath(new URL('../..', import.meta.url));
const OUTSIDE = [
  /\bDESIGN(?:\.md)?\b/,
  /\bCONTRACTS(?:\.md)?\b/,
  /\.\.\/shared\b/,
  /\/work\/shared\b/,
];
const TEXT = /\.(?:[cm]?[jt]sx?|md|json|ya?ml|sh|tpl|txt|html|css)$|(?:^|\/)Dockerfile$/;
const SELF = 'tools/lint/doc-citations.spec.ts';

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && TEXT.test(f) && f !== SELF && f !== 'package-lock.json');
}

/** `file:line text` for each line citing a document outside the repository. */
export function outsideCitations(files: string[], read: (file: string) => string): string[] {
  return files.flatMap((file) =>
    read(file)
      .split('\n')
      .flatMap((line, i) => (OUTSIDE.some((re) => re.test(line)) ? [`${file}:${i + 1} ${line.trim()}`] : [])),
  );
}

describe('citations', () => {
  it('finds a citation of a document outside the repository', () => {
    const fake: Record<string, string> = {
      'a.ts': '// see CONTRACTS §3\nconst x = 1;',
      'b.md': 'as DESIGN rule 6 says',
      'c.ts': "// notes in ../shared/NOTES",
      'd.ts': '// docs/contracts.md §3 and docs/architecture.md rule 6',
    };
    expect(outsideCitations(Object.keys(fake), (f) => fake[f]!)).toEqual([
      'a.ts:1 // see CONTRACTS §3',
      'b.md:1 as DESIGN rule 6 says',
      'c.ts:1 // notes in ../shared/NOTES',
    ]);
  });

  it('no file in the repository cites a document outside it', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(300);
    expect(outsideCitations(files, (f) => { try { return readFileSync(`${root}${f}`, 'utf8'); } catch { return ''; } })).toEqual([]);
  });
});
