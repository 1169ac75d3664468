import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run.js';
import { drive, errorCodes, isCoded, sampleProject } from './harness.js';
import { record } from './results.js';

// git faults beyond a silent remote (timeouts.test.ts): a tag moved upstream after it was diffed, and
// a release whose tree holds entries no checkout may write (`..`, `.git`). The first must be said and
// the artifacts follow the tag; the second is a coded error with nothing written outside the cache.

const IDENTITY = ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'tag.gpgsign=false'];

/** A commit whose root tree holds `entries` (name → blob text or nested entries), made without a checkout. */
interface Tree {
  [name: string]: string | Tree;
}

async function hostileCommit(dir: string, parent: string, entries: Tree) {
  const git = (args: string[], input?: string) => runGit(['-C', dir, ...args], { input });
  const tree = async (items: Tree): Promise<string> => {
    const lines: string[] = [];
    for (const [name, value] of Object.entries(items)) {
      if (typeof value === 'string') {
        const blob = (await git(['hash-object', '-w', '--stdin'], value)).stdout.trim();
        lines.push(`100644 blob ${blob}\t${name}`);
      } else lines.push(`040000 tree ${await tree(value)}\t${name}`);
    }
    return (await git(['mktree'], `${lines.join('\n')}\n`)).stdout.trim();
  };
  const root = await tree(entries);
  return (await git([...IDENTITY, 'commit-tree', root, '-p', parent, '-m', 'crafted'])).stdout.trim();
}

describe('git faults', () => {
  it('a tag moved upstream after its diff: said, and the artifacts follow it', async () => {
    const p = await sampleProject();
    const first = await drive(['diff', '--json'], { cwd: p.cwd });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    const git = (args: string[]) => runGit(['-C', p.upstreamDir, ...args]);
    await git([...IDENTITY, 'commit', '-q', '--allow-empty', '-m', 'retagged']);
    await git([...IDENTITY, 'tag', '-f', '-a', '-m', 'moved', 'v1.1.0']);
    const moved = (await git(['rev-parse', 'v1.1.0^{commit}'])).stdout.trim();
    const again = await drive(['diff', '--json'], { cwd: p.cwd });
    const release = await readFile(join(p.artifacts, 'sample', 'v1.1.0', 'release.json'), 'utf8');
    const said = /moved/.test(again.stdout + again.stderr);
    const follows = release.includes(moved);
    record({
      area: 'git faults',
      name: 'tag moved upstream after its diff',
      trials: 2,
      faults: 1,
      inputs: 0,
      wrong: (again.exitCode === 0 ? 0 : 1) + (said ? 0 : 1) + (follows ? 0 : 1),
      note: `exit ${again.exitCode}; ${said ? 'warned' : 'no warning'}; release.json ${follows ? 'at the new commit' : 'stale'}`,
    });
    expect(again.exitCode, again.stdout).toBe(0);
    expect(said).toBe(true);
    expect(follows).toBe(true);
  });

  it('a release whose tree holds `..` or `.git` entries: coded, nothing written outside', async () => {
    const cases: Record<string, Tree> = {
      'entry ".."': { '..': { 'pwned.txt': 'written outside the checkout\n' }, 'README.md': 'x\n' },
      'entry ".git"': { '.git': { config: '[core]\n\thooksPath = /tmp\n' }, 'README.md': 'x\n' },
      'nested ".git"': { sub: { '.git': 'gitdir: /etc\n' } },
    };
    let wrong = 0;
    const notes: string[] = [];
    await Promise.all(
      Object.entries(cases).map(async ([name, entries]) => {
        const p = await sampleProject();
        const git = (args: string[]) => runGit(['-C', p.upstreamDir, ...args]);
        const parent = (await git(['rev-parse', 'v1.1.0^{commit}'])).stdout.trim();
        const commit = await hostileCommit(p.upstreamDir, parent, entries);
        await git([...IDENTITY, 'tag', 'v1.2.0', commit]);
        await drive(['state', 'set', 'sample', 'v1.1.0'], { cwd: p.cwd });
        const before = await readFile(p.statePath, 'utf8');
        const out = await drive(['run', '--dry-run', '--json'], { cwd: p.cwd, guardMs: 120_000 });
        const codes = errorCodes(out);
        const list = (dir: string) => readdir(dir).catch((): string[] => []);
        const cache = join(p.cwd, '.release-watch', 'cache');
        const outside = [...(await list(join(cache, 'worktrees', 'sample'))), ...(await list(cache))].filter(
          (entry) => entry === 'pwned.txt',
        );
        const stateKept = (await readFile(p.statePath, 'utf8')) === before;
        // Refused (coded), or diffed without a checkout of the crafted tree; never written outside.
        const ok =
          (out.exitCode === 0 || (codes.length > 0 && codes.every(isCoded))) &&
          outside.length === 0 &&
          stateKept;
        if (!ok) {
          wrong++;
          notes.push(`${name}: exit ${out.exitCode} ${codes.join(',')} ${out.stdout.slice(0, 160)}`);
        } else notes.push(`${name}: ${out.exitCode === 0 ? 'diffed' : codes.join(',')}`);
      }),
    );
    record({
      area: 'git faults',
      name: 'tree with hostile entries',
      trials: 3,
      faults: 0,
      inputs: 3,
      wrong,
      note: notes.join('; '),
    });
    expect(wrong, notes.join('\n')).toBe(0);
  });
});
