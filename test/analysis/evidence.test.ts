import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { evidenceProblem, mergeFindings, verifyFindings } from '../../src/analysis/evidence.js';
import type { Evidence, Finding } from '../../src/analysis/schema.js';
import { gitRepoReader, isSafeRepoPath, type RepoReader } from '../../src/git/reader.js';
import { createFixtureRepo } from '../helpers/git-fixture.js';

const finding = (id: string, evidence: Evidence[], more: Partial<Finding> = {}): Finding => ({
  id,
  title: id,
  severity: 'medium',
  surface: 'auth',
  description: `about ${id}`,
  recommendation: 'do something',
  confidence: 0.5,
  source: 'scanner',
  verified: false,
  evidence,
  ...more,
});

describe('evidence verification', () => {
  let reader: RepoReader & { close(): void };
  beforeEach(async () => {
    const repo = await createFixtureRepo();
    const from = await repo.commit({ 'src/auth.rs': 'fn login() {\n    let url = "https://a";\n}\n' });
    const to = await repo.commit({
      'src/auth.rs': 'fn login() {\n    let url   =   "https://b";\n    refresh();\n}\n',
    });
    reader = gitRepoReader(join(repo.dir, '.git'), { from, to });
    return () => reader.close();
  });

  const at = (e: Partial<Evidence>): Evidence => ({
    path: 'src/auth.rs',
    ref: 'to',
    startLine: 2,
    endLine: 3,
    excerpt: 'let url = "https://b"; refresh();',
    ...e,
  });

  it('accepts evidence whose excerpt occurs in those lines, whitespace-normalised, on the right side', async () => {
    expect(await evidenceProblem(at({}), reader)).toBeUndefined();
    expect(
      await evidenceProblem(at({ ref: 'from', endLine: 2, excerpt: 'let url = "https://a";' }), reader),
    ).toBe(undefined);
  });

  it.each([
    ['a file that does not exist', at({ path: 'src/missing.rs' }), 'no such file'],
    [
      'a file that exists only on the other side',
      at({ ref: 'from', excerpt: 'refresh();' }),
      'excerpt not found',
    ],
    ['lines out of range', at({ startLine: 4, endLine: 9 }), 'out of range'],
    ['start after end', at({ startLine: 3, endLine: 2 }), 'out of range'],
    ['an excerpt that is not there', at({ excerpt: 'let url = "https://evil"' }), 'excerpt not found'],
    ['an excerpt outside the lines', at({ startLine: 1, endLine: 1 }), 'excerpt not found'],
    ['a ../ path', at({ path: '../outside/src/auth.rs' }), 'not a path inside the repository'],
    ['an absolute path', at({ path: '/etc/passwd' }), 'not a path inside the repository'],
    ['a path with an inner ..', at({ path: 'src/../src/auth.rs' }), 'not a path inside the repository'],
  ])('rejects %s', async (_name, evidence, problem) => {
    expect(await evidenceProblem(evidence, reader)).toContain(problem);
  });

  it('marks findings verified only when every piece holds, keeps failures and says why', async () => {
    const result = await verifyFindings(
      [finding('good', [at({})]), finding('half', [at({}), at({ path: 'nope.rs' })]), finding('bare', [])],
      reader,
    );
    expect(result.findings.map((f) => [f.id, f.verified])).toEqual([
      ['good', true],
      ['half', false],
      ['bare', false],
    ]);
    expect(result.problems).toEqual([
      { finding: 'half', problem: 'nope.rs@to: no such file' },
      { finding: 'bare', problem: 'no evidence given' },
    ]);
  });

  it('refuses unsafe paths in the reader itself', async () => {
    for (const path of ['', '/abs', '../x', 'a//b', 'a/./b', 'a\\b', 'C:/x', 'a\nb'])
      expect(isSafeRepoPath(path)).toBe(false);
    expect(await reader.readFile('to', '../.git/config')).toBeUndefined();
    expect(isSafeRepoPath('codex-rs/core/prompt.md')).toBe(true);
  });
});

describe('merging scanner and agent findings', () => {
  const e = (path: string, startLine: number, endLine: number): Evidence => ({
    path,
    ref: 'to',
    startLine,
    endLine,
    excerpt: 'x',
  });

  it('merges by id or overlapping lines: agent wording, scanner id, union of evidence, max severity', () => {
    const scanner = [
      finding('surface-auth-file-modified-src-auth-rs', [e('src/auth.rs', 10, 12)], {
        severity: 'low',
        confidence: 0.9,
      }),
      finding('wire-url-changed-src-client-rs', [e('src/client.rs', 5, 5)], { severity: 'high' }),
    ];
    const agent = [
      finding('token-refresh-moved', [e('src/auth.rs', 12, 20)], {
        source: 'agent',
        severity: 'breaking',
        title: 'Token refresh moved',
        description: 'The agent explains.',
        confidence: 0.7,
      }),
      finding('wire-url-changed-src-client-rs', [e('src/client.rs', 40, 41)], {
        source: 'agent',
        severity: 'low',
        title: 'Same id',
      }),
      finding('new-thing', [e('src/other.rs', 1, 1)], { source: 'agent' }),
    ];
    const merged = mergeFindings(scanner, agent);
    expect(merged).toHaveLength(3);
    expect(merged[0]).toMatchObject({
      id: 'surface-auth-file-modified-src-auth-rs',
      title: 'Token refresh moved',
      description: 'The agent explains.',
      severity: 'breaking',
      confidence: 0.9,
      source: 'scanner',
      evidence: [e('src/auth.rs', 12, 20), e('src/auth.rs', 10, 12)],
    });
    expect(merged[1]).toMatchObject({
      id: 'wire-url-changed-src-client-rs',
      title: 'Same id',
      severity: 'high',
    });
    expect(merged[1]!.evidence).toHaveLength(2);
    expect(merged[2]).toMatchObject({ id: 'new-thing', source: 'agent' });
  });

  it('does not merge findings on different files or on the other side, and keeps ids unique', () => {
    const scanner = [finding('a', [e('src/a.rs', 1, 5)])];
    const agent = [
      finding('b', [{ ...e('src/a.rs', 1, 5), ref: 'from' }], { source: 'agent' }),
      finding('c', [e('src/c.rs', 1, 5)], { source: 'agent' }),
    ];
    expect(mergeFindings(scanner, agent).map((f) => f.id)).toEqual(['a', 'b', 'c']);
  });
});
