import { describe, expect, it } from 'vitest';
import { MAX_FINDINGS_PER_RULE } from '../../../src/analysis/scanners/index.js';
import { surfaceRule } from '../../../src/analysis/scanners/surface.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { scanFixture } from '../../helpers/scan.js';

const SURFACES = { prompts: ['codex-rs/core/*.md', 'codex-rs/core/templates/**'], auth: ['login/**'] };

describe('surface scanner', () => {
  it('weighs a moved or deleted surface file high, a modified one low, and ignores files outside surfaces', async () => {
    const repo = await createFixtureRepo();
    await repo.commit({
      'codex-rs/core/prompt.md': 'You are Codex.\nBe helpful.\n',
      'codex-rs/core/review.md': 'Review carefully.\n',
      'login/src/server.rs': 'fn main() {}\n',
      'README.md': 'readme\n',
    });
    await repo.tag('v1');
    await repo.rename('codex-rs/core/prompt.md', 'codex-rs/core/templates/prompt.md');
    await repo.commit({
      'codex-rs/core/review.md': null,
      'login/src/server.rs': 'fn main() { run(); }\n',
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
    expect(Object.keys(byId).sort()).toEqual([
      'surface-auth-file-modified-login-src-server-rs',
      'surface-prompts-file-deleted-codex-rs-core-review-md',
      'surface-prompts-file-renamed-codex-rs-core-prompt-md',
    ]);
    expect(byId['surface-prompts-file-renamed-codex-rs-core-prompt-md']).toMatchObject({
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
    expect(byId['surface-prompts-file-deleted-codex-rs-core-review-md']!.severity).toBe('high');
    expect(byId['surface-auth-file-modified-login-src-server-rs']).toMatchObject({
      severity: 'low',
      evidence: [{ ref: 'to', startLine: 1, excerpt: 'fn main() { run(); }' }],
    });
  });

  it('folds many changed files into one finding per surface past the cap, keeping ids short and unique', async () => {
    const repo = await createFixtureRepo();
    const names = Array.from(
      { length: MAX_FINDINGS_PER_RULE + 5 },
      (_, i) => `login/${'deep/'.repeat(12)}file-${i}.rs`,
    );
    await repo.commit(Object.fromEntries(names.map((n) => [n, 'a\n'])));
    await repo.tag('v1');
    await repo.commit(Object.fromEntries(names.map((n) => [n, 'b\n'])));
    await repo.tag('v2');
    const { findings } = await scanFixture(repo, {
      from: 'v1',
      to: 'v2',
      surfaces: SURFACES,
      rules: [surfaceRule],
    });
    expect(findings).toHaveLength(MAX_FINDINGS_PER_RULE + 1);
    const folded = findings.at(-1)!;
    expect(folded.id).toBe('surface-auth-file-modified-more-files');
    expect(folded.description).toContain('file-');
    expect(folded.description.split('\n').filter((l) => l.startsWith('- `login')).length).toBe(5);
    for (const f of findings) expect(f.id.length).toBeLessThanOrEqual(80);
    expect(new Set(findings.map((f) => f.id)).size).toBe(findings.length);
  });
});
