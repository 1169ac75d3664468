import { describe, expect, it } from 'vitest';
import { surfaceRule } from '../../../src/analysis/scanners/surface.js';
import { tsExportsRule } from '../../../src/analysis/scanners/ts-exports.js';
import type { AnyRule } from '../../../src/analysis/scanners/types.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { scanFixture } from '../../helpers/scan.js';

const SURFACES = { prompts: ['codex-rs/core/*.md', 'codex-rs/core/templates/**'], auth: ['login/**'] };

describe('surface scanner', () => {
  it('weighs a moved or deleted surface file high, a modified one low, and ignores files outside surfaces and tests', async () => {
    const repo = await createFixtureRepo();
    await repo.commit({
      'codex-rs/core/prompt.md': 'You are Codex.\nBe helpful.\n',
      'codex-rs/core/review.md': 'Review carefully.\n',
      'login/src/server.rs': 'fn main() {}\n',
      // Rust unit tests beside the code, in a surface: nothing a downstream takes.
      'login/src/server_tests.rs': '#[test]\nfn t() {}\n',
      'login/src/tests.rs': '#[test]\nfn u() {}\n',
      'README.md': 'readme\n',
    });
    await repo.tag('v1');
    await repo.rename('codex-rs/core/prompt.md', 'codex-rs/core/templates/prompt.md');
    await repo.commit({
      'codex-rs/core/review.md': null,
      'login/src/server.rs': 'fn main() { run(); }\n',
      'login/src/server_tests.rs': null,
      'login/src/tests.rs': '#[test]\nfn u() { run(); }\n',
      'README.md': 'x\n',
    });
    await repo.tag('v2');
    const { findings, problems } = await scanFixture(repo, {
      from: 'v1',
      to: 'v2',
      surfaces: SURFACES,
      rules: [surfaceRule],
    });
    expect(problems).toEqual([]);
    const byId = Object.fromEntries(findings.map((f) => [f.id, f]));
    expect(findings.map((f) => [f.id, f.severity, f.title])).toEqual([
      [
        'surface-file-deleted-codex-rs-core-review-md',
        'high',
        'Surface file `codex-rs/core/review.md` deleted',
      ],
      [
        'surface-file-renamed-codex-rs-core-prompt-md',
        'high',
        'Surface file `codex-rs/core/prompt.md` moved to `codex-rs/core/templates/prompt.md`',
      ],
      ['surface-files-changed-auth', 'low', 'Surface `auth`: `login/src/server.rs` changed'],
    ]);
    expect(byId['surface-file-renamed-codex-rs-core-prompt-md']).toMatchObject({
      severity: 'high',
      verified: true,
      evidence: [
        {
          path: 'codex-rs/core/prompt.md',
          ref: 'from',
          startLine: 1,
          excerpt: 'You are Codex.\nBe helpful.',
        },
        { path: 'codex-rs/core/templates/prompt.md', ref: 'to', startLine: 1 },
      ],
    });
    expect(byId['surface-file-deleted-codex-rs-core-review-md']!.severity).toBe('high');
    expect(byId['surface-files-changed-auth']).toMatchObject({
      severity: 'low',
      evidence: [{ ref: 'to', startLine: 1, excerpt: 'fn main() { run(); }' }],
    });
  });

  it('folds the modified and added files of a surface into one low finding: the count and the five largest', async () => {
    const repo = await createFixtureRepo();
    const names = Array.from({ length: 12 }, (_, i) => `login/src/file-${i}.rs`);
    // file-i changes i + 1 lines: the largest are file-11 … file-7.
    const body = (n: number, v: string) => Array.from({ length: n }, (_, j) => `${v}${j}`).join('\n');
    await repo.commit(Object.fromEntries(names.map((n, i) => [n, `${body(i + 1, 'a')}\n`])));
    await repo.tag('v1');
    await repo.commit({
      ...Object.fromEntries(names.map((n, i) => [n, `${body(i + 1, 'b')}\n`])),
      'login/src/new.rs': 'fn new() {}\n',
    });
    await repo.tag('v2');
    const { findings, problems } = await scanFixture(repo, {
      from: 'v1',
      to: 'v2',
      surfaces: SURFACES,
      rules: [surfaceRule],
    });
    expect(problems).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'surface-files-changed-auth',
      severity: 'low',
      title: 'Surface `auth`: 13 files changed (1 added)',
      verified: true,
    });
    expect(findings[0]!.description).toBe(
      '- 13 files changed (1 added) in `auth` that no other finding explains; the largest: ' +
        '`login/src/file-11.rs` (+12 −12), `login/src/file-10.rs` (+11 −11), `login/src/file-9.rs` (+10 −10), ' +
        '`login/src/file-8.rs` (+9 −9), `login/src/file-7.rs` (+8 −8), and 8 more',
    );
    expect(new Set(findings[0]!.evidence.map((e) => e.path))).toEqual(
      new Set([11, 10, 9, 8, 7].map((i) => `login/src/file-${i}.rs`)),
    );
  });

  it('leaves out of the fold the files another rule already explains', async () => {
    const repo = await createFixtureRepo();
    await repo.commit({
      'login/src/api.ts': 'export function login(user: string): void {}\n',
      'login/src/util.ts': 'const x = 1;\n',
    });
    await repo.tag('v1');
    await repo.commit({
      'login/src/api.ts': 'export function login(user: string, code: string): void {}\n',
      'login/src/util.ts': 'const x = 2;\n',
    });
    await repo.tag('v2');
    const scan = (rules: AnyRule[]) => scanFixture(repo, { from: 'v1', to: 'v2', surfaces: SURFACES, rules });
    const alone = await scan([surfaceRule]);
    expect(alone.findings.map((f) => f.title)).toEqual(['Surface `auth`: 2 files changed']);
    const both = await scan([surfaceRule, tsExportsRule]);
    expect(both.findings.map((f) => f.title)).toEqual([
      '`login` signature changed: `(user)` → `(user, code)`',
      'Surface `auth`: `login/src/util.ts` changed',
    ]);
  });

  it('folds the source files of a surface that are deleted or moved into one high finding; other files keep one each', async () => {
    const repo = await createFixtureRepo();
    const sources = Array.from({ length: 7 }, (_, i) => `login/src/part-${i}.rs`);
    // part-i has i + 1 lines; part-6 moves, the others but one are deleted.
    const body = (n: number) => Array.from({ length: n }, (_, j) => `fn f${j}() {}`).join('\n');
    await repo.commit({
      ...Object.fromEntries(sources.map((n, i) => [n, `${body(i + 1)}\n`])),
      'login/src/api.ts': 'export function login(user: string): void {}\n',
      'login/templates/prompt.md': 'You log in.\n',
      'login/schema.json': '{"type": "object"}\n',
    });
    await repo.tag('v1');
    await repo.rename('login/src/part-6.rs', 'login-core/src/part-6.rs');
    await repo.commit({
      ...Object.fromEntries(sources.slice(0, 6).map((n) => [n, null])),
      'login/src/api.ts': null,
      'login/schema.json': null,
    });
    await repo.rename('login/templates/prompt.md', 'login-core/templates/prompt.md');
    await repo.tag('v2');
    const scan = (rules: AnyRule[]) => scanFixture(repo, { from: 'v1', to: 'v2', surfaces: SURFACES, rules });
    const alone = await scan([surfaceRule]);
    expect(alone.problems).toEqual([]);
    expect(alone.findings.map((f) => [f.id, f.severity, f.title])).toEqual([
      [
        'surface-file-renamed-login-templates-prompt-md',
        'high',
        'Surface file `login/templates/prompt.md` moved to `login-core/templates/prompt.md`',
      ],
      ['surface-file-deleted-login-schema-json', 'high', 'Surface file `login/schema.json` deleted'],
      [
        'surface-source-files-gone-auth',
        'high',
        'Surface `auth`: 8 source files deleted or moved (7 deleted, 1 moved)',
      ],
    ]);
    const fold = alone.findings[2]!;
    // Largest by lines deleted: a moved file keeps its lines.
    expect(fold.description).toBe(
      '- 8 source files of `auth` deleted or moved (7 deleted, 1 moved) that no other finding explains; the largest: ' +
        '`login/src/part-5.rs` (deleted, +0 −6), `login/src/part-4.rs` (deleted, +0 −5), `login/src/part-3.rs` (deleted, +0 −4), ' +
        '`login/src/part-2.rs` (deleted, +0 −3), `login/src/part-1.rs` (deleted, +0 −2), and 3 more',
    );
    expect(fold.verified).toBe(true);
    expect(fold.evidence.map((e) => [e.path, e.ref])).toEqual([
      ['login/src/part-5.rs', 'from'],
      ['login/src/part-4.rs', 'from'],
    ]);
    // A deleted file whose exports another rule reports is left out of the fold.
    const both = await scan([surfaceRule, tsExportsRule]);
    expect(both.findings.map((f) => f.title)).toContain(
      'Surface `auth`: 7 source files deleted or moved (6 deleted, 1 moved)',
    );
  });
});
