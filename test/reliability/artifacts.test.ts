import { cp, mkdir, readdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { sharedReleaseFixture, UPSTREAM_ID, upstreamConfig } from '../git/fixture.js';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

async function deadPid(): Promise<number> {
  const child = execa('node', ['-e', '']);
  await child;
  return child.pid!;
}

describe('release folders are swapped in whole, and what a crash leaves is swept', () => {
  const fixture = sharedReleaseFixture();

  it('a later run removes crashed staging and temp files, and rolls a complete set forward', async () => {
    const cwd = await tempProject({
      'release-watch.config.json': JSON.stringify({
        upstreams: { [UPSTREAM_ID]: upstreamConfig(fixture().repo.url) },
      }),
    });
    const first = await runCli(['diff', '--from', 'v1.0.0', '--to', 'v1.1.0'], { cwd });
    expect(first.exitCode, first.stderr).toBe(0);
    const upstreamDir = join(cwd, '.release-watch/artifacts', UPSTREAM_ID);
    const release = join(upstreamDir, 'v1.1.0');
    const files = (await readdir(release)).sort();
    expect(files).toEqual(['diff.patch', 'diff.stat', 'files.json', 'log.txt', 'release.json']);
    expect(await readdir(upstreamDir)).toEqual(['v1.1.0']);

    // What a run killed part-way leaves: a staging folder, a complete set not yet swapped in (its
    // release folder already moved aside), temp files in a release folder.
    const pid = await deadPid();
    const original = await readFile(join(release, 'diff.patch'));
    await cp(release, join(upstreamDir, `.v1.1.0.ready-${pid}-1`), { recursive: true });
    await rename(release, join(upstreamDir, `.v1.1.0.old-${pid}-1`));
    await mkdir(join(upstreamDir, `.v1.2.0.staging-${pid}-2`));
    await writeFile(join(upstreamDir, `.v1.2.0.staging-${pid}-2`, 'diff.patch'), 'half');
    await mkdir(join(upstreamDir, 'v1.2.0'));
    const stale = [`log.txt.${pid}.1700000000000.3.tmp`, 'release.json.2984573623'];
    for (const name of stale) await writeFile(join(upstreamDir, 'v1.2.0', name), 'partial');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(join(upstreamDir, 'v1.2.0', stale[1]!), old, old);

    const second = await runCli(['diff', '--from', 'v1.1.0', '--to', 'v1.2.0'], { cwd });
    expect(second.exitCode, second.stderr).toBe(0);
    expect((await readdir(upstreamDir)).sort()).toEqual(['v1.1.0', 'v1.2.0']);
    expect((await readdir(release)).sort()).toEqual(files);
    expect((await readFile(join(release, 'diff.patch'))).equals(original)).toBe(true);
    expect((await readdir(join(upstreamDir, 'v1.2.0'))).sort()).toEqual(files);
  }, 120_000);

  it('each stage adds its files without touching the others: diff, then analyze, then report', async () => {
    const cwd = await tempProject({
      'release-watch.config.json': JSON.stringify({
        agent: { kind: 'none' },
        upstreams: { [UPSTREAM_ID]: upstreamConfig(fixture().repo.url) },
      }),
    });
    const release = join(cwd, '.release-watch/artifacts', UPSTREAM_ID, 'v1.1.0');
    expect((await runCli(['diff', '--from', 'v1.0.0', '--to', 'v1.1.0'], { cwd })).exitCode).toBe(0);
    const patch = await readFile(join(release, 'diff.patch'));
    // A file of the user's whose name ends like a temp file's (`.<n>`) is carried into every new set.
    await writeFile(join(release, 'notes.2'), 'mine\n');
    const analyze = await runCli(['analyze', '--tag', 'v1.1.0', '--from', 'v1.0.0'], { cwd });
    expect(analyze.exitCode, analyze.stderr).toBe(0);
    const report = await runCli(['report', '--tag', 'v1.1.0', '--dry-run'], { cwd });
    expect(report.exitCode, report.stderr).toBe(0);
    expect((await readdir(release)).sort()).toEqual([
      'analysis.json',
      'context.md',
      'diff.patch',
      'diff.stat',
      'files.json',
      'issues',
      'log.txt',
      'notes.2',
      'release.json',
      'report.md',
    ]);
    expect((await readdir(join(release, 'issues'))).length).toBeGreaterThan(0);
    expect((await readFile(join(release, 'diff.patch'))).equals(patch)).toBe(true);
    expect(await readdir(join(cwd, '.release-watch/artifacts', UPSTREAM_ID))).toEqual(['v1.1.0']);
  }, 120_000);
});
