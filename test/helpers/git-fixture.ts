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
