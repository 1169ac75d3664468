import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import { createFixtureRepo } from '../helpers/git-fixture.js';
import { tempProject } from '../helpers/project.js';

/** Looks like "v9.9.9exe.png" on screen: a right-to-left override reverses what follows it. */
const BIDI_TAG = 'v9.9.9\u202egnp.exe';
// biome-ignore lint/suspicious/noControlCharactersInRegex: a control character is one of those looked for
const HIDDEN = /[\u202e\u200b\u0007]/;
/** A custom RegExp pattern that lets such a tag through. */
const LOOSE_PATTERN = '/^v\\d+\\.\\d+\\.\\d+.*$/';

async function upstream() {
  const repo = await createFixtureRepo();
  await repo.commit({ 'a.txt': 'one\n' });
  await repo.tag('v1.0.0');
  await repo.commit({ 'a.txt': 'two\n' });
  await repo.tag('v1.1.0');
  await repo.commit({ 'a.txt': 'three\n' });
  await repo.tag(BIDI_TAG);
  await repo.commit({ 'a.txt': 'four\n' });
  await repo.tag('v9.9.9\u200b');
  return repo;
}

async function project(url: string) {
  return tempProject({
    'release-watch.config.json': JSON.stringify({
      agent: { kind: 'none' },
      upstreams: { up: { repo: 'acme/up', tags: LOOSE_PATTERN, source: 'git-tags', url } },
    }),
  });
}

describe('tags with control, bidi or invisible characters', () => {
  it('listing skips them with a warning: check and run never see them', async () => {
    const repo = await upstream();
    const cwd = await project(repo.url);
    const check = await runCli(['check'], { cwd });
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/up\s+git-tags\s+\(never\)\s+v1\.1\.0/);
    expect(check.stderr).toContain('up: skipped tag "v9.9.9\\u{202E}gnp.exe"');
    expect(check.stdout + check.stderr).not.toMatch(HIDDEN);
    const json = await runCli(['check', '--json'], { cwd });
    expect(json.stdout).not.toMatch(HIDDEN);
    expect(parseJson<{ newest: string }[]>(json)[0]!.newest).toBe('v1.1.0');

    const run = await runCli(['run', '--dry-run', '--json'], { cwd });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(HIDDEN);
  });

  it.each([
    ['diff --to', ['diff', '--upstream', 'up', '--to', BIDI_TAG]],
    ['diff --from', ['diff', '--upstream', 'up', '--from', BIDI_TAG, '--to', 'v1.1.0']],
    ['analyze --tag', ['analyze', '--upstream', 'up', '--tag', BIDI_TAG]],
    ['analyze --from', ['analyze', '--upstream', 'up', '--tag', 'v1.1.0', '--from', 'v1\u0007.0.0']],
    ['report --tag', ['report', '--upstream', 'up', '--tag', BIDI_TAG]],
    ['state set', ['state', 'set', 'up', BIDI_TAG]],
    ['state set --force', ['state', 'set', 'up', 'v1.2.0\u200b', '--force']],
  ])('%s: refused with a coded error, nothing written', async (_name, args) => {
    const cwd = await project('file:///nonexistent/never-read');
    const result = await runCli([...args, '--json'], { cwd });
    expect(result.exitCode).toBe(2);
    const { error } = parseJson<{ error: { code: string; message: string } }>(result);
    expect(error.code).toBe('TAG_UNSAFE_CHARACTERS');
    expect(error.message).toMatch(/\\u\{(202E|200B|0007)\}/);
    expect(result.stdout + result.stderr).not.toMatch(HIDDEN);
    await expect(stat(join(cwd, '.release-watch'))).rejects.toThrow(/ENOENT/);
    await expect(readFile(join(cwd, '.github/release-watch/state.json'))).rejects.toThrow(/ENOENT/);
  });
});
