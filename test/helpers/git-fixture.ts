import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { tempDir } from './tmp.js';

export type FileChanges = Record<string, string | Buffer | null>;

/** A real git repository in a temp dir, for building upstream fixtures release by release. */
export interface FixtureRepo {
  dir: string;
  /** `file://` URL, so fetches use the pack protocol. */
  url: string;
  git(...args: string[]): Promise<string>;
  /** Writes (string/Buffer) or deletes (null) files, then commits them all. Returns the commit id. */
  commit(changes: FileChanges, message?: string): Promise<string>;
  rename(from: string, to: string, message?: string): Promise<string>;
  tag(name: string, options?: { annotated?: boolean; ref?: string }): Promise<void>;
}

const ENV = {
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.test',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export async function createFixtureRepo(options: { dir?: string } = {}): Promise<FixtureRepo> {
  const dir = options.dir ?? (await tempDir('rw-upstream-'));
  const git = async (...args: string[]) =>
    (await execa('git', args, { cwd: dir, env: ENV, stripFinalNewline: true })).stdout;
  await git('init', '-q', '-b', 'main');
  let tick = 0;
  const commitAll = async (message: string) => {
    tick += 1;
    const date = new Date(Date.UTC(2026, 0, 1) + tick * 60_000).toISOString();
    await execa('git', ['add', '-A'], { cwd: dir, env: ENV });
    await execa('git', ['commit', '-q', '--allow-empty', '-m', message], {
      cwd: dir,
      env: { ...ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    return git('rev-parse', 'HEAD');
  };
  return {
    dir,
    url: `file://${dir}`,
    git,
    async commit(changes, message = 'change') {
      for (const [path, content] of Object.entries(changes)) {
        const file = join(dir, path);
        if (content === null) await rm(file, { force: true });
        else {
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, content);
        }
      }
      return commitAll(message);
    },
    async rename(from, to, message = `rename ${from}`) {
      await mkdir(dirname(join(dir, to)), { recursive: true });
      await git('mv', from, to);
      return commitAll(message);
    },
    async tag(name, tagOptions = {}) {
      const args = tagOptions.annotated ? ['tag', '-a', '-m', name, name] : ['tag', name];
      await git(...args, ...(tagOptions.ref ? [tagOptions.ref] : []));
    },
  };
}

/**
 * Raw bytes of a git command's stdout in a repository, with the fixture's clean config and no stdin.
 * Nothing is trimmed: execa would strip a final 0x0a even from bytes, and a pack's SHA-1 trailer ends
 * in one 1 time in 256 (unpack-objects then fails with "early EOF").
 */
export async function gitBytes(dir: string, args: string[]): Promise<Buffer> {
  const result = await execa('git', args, {
    cwd: dir,
    encoding: 'buffer',
    stripFinalNewline: false,
    stdin: 'ignore',
    env: { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', COLUMNS: undefined },
  });
  return Buffer.from(result.stdout);
}

/**
 * A bare copy of `repo` served over file:// (filters and any object id allowed, as a partial clone
 * needs) that lacks the blobs these paths hold at HEAD: a mirror that dropped some blobs, whose
 * upload-pack answers "not our ref" when asked for them (at `ref`, default HEAD). Returns their ids too.
 */
export async function servedWithoutBlobs(
  repo: FixtureRepo,
  paths: readonly string[],
  ref = 'HEAD',
): Promise<{ dir: string; url: string; missing: string[] }> {
  const dir = await tempDir('rw-served-');
  const inServed = (args: string[], input?: Buffer | string) =>
    execa('git', args, { cwd: dir, env: ENV, input, encoding: 'buffer' });
  await inServed(['init', '-q', '--bare', '.']);
  // Loose objects, so single ones can be deleted: every object of the repo's refs, unpacked.
  const pack = await gitBytes(repo.dir, ['pack-objects', '--all', '--revs', '--stdout']);
  await inServed(['unpack-objects', '-q'], pack);
  for (const line of (await repo.git('for-each-ref', '--format=%(objectname) %(refname)')).split('\n')) {
    const [id, ref] = line.split(' ');
    await inServed(['update-ref', ref!, id!]);
  }
  await inServed(['symbolic-ref', 'HEAD', 'refs/heads/main']);
  await inServed(['config', 'uploadpack.allowFilter', 'true']);
  await inServed(['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  const missing: string[] = [];
  for (const path of paths) {
    const id = await repo.git('rev-parse', `${ref}:${path}`);
    await rm(join(dir, 'objects', id.slice(0, 2), id.slice(2)));
    missing.push(id);
  }
  return { dir, url: `file://${dir}`, missing };
}
