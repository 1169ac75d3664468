import { mkdir, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import picomatch from 'picomatch';
import { artifactPaths } from '../../src/artifacts/paths.js';
import type { ChangedFile, FilesArtifact, ReleaseArtifact } from '../../src/artifacts/schema.js';

/**
 * Stand-in for the `diff` stage in analyze tests: writes release.json, diff.patch, diff.stat,
 * log.txt and files.json for `from..to` of a repository with plain git. (The lead swaps in the
 * real stage when merging.)
 */
export async function writeDiffArtifacts(options: {
  gitDir: string;
  artifacts: string;
  id: string;
  repo: string;
  from: string;
  to: string;
  surfaces?: Record<string, string[]>;
  ignore?: string[];
  notes?: string;
}) {
  const git = async (...args: string[]) =>
    (
      await execa('git', ['-c', 'core.quotePath=false', '--git-dir', options.gitDir, ...args], {
        stripFinalNewline: false,
        maxBuffer: 1 << 30,
      })
    ).stdout;
  const paths = artifactPaths(options.artifacts, options.id, options.to);
  await mkdir(paths.dir, { recursive: true });
  const commit = async (tag: string) => (await git('rev-parse', `${tag}^{commit}`)).trim();
  const range = [options.from, options.to];
  await execa('git', ['-c', 'core.quotePath=false', '--git-dir', options.gitDir, 'diff', ...range], {
    stdout: { file: paths.patch },
  });
  await writeFile(paths.stat, await git('diff', '--stat', ...range));
  await writeFile(paths.log, await git('log', '--oneline', `${options.from}..${options.to}`));

  const STATUS: Record<string, ChangedFile['status']> = {
    A: 'added',
    D: 'deleted',
    M: 'modified',
    R: 'renamed',
    C: 'copied',
    T: 'type-changed',
  };
  const names = (await git('diff', '--name-status', '-z', ...range)).split('\0');
  const numbers = (await git('diff', '--numstat', '-z', ...range)).split('\0');
  const surfaces = Object.entries(options.surfaces ?? {}).map(
    ([name, globs]) => [name, picomatch(globs)] as const,
  );
  const ignored = picomatch(options.ignore?.length ? options.ignore : ['\0']);
  const files: ChangedFile[] = [];
  for (let i = 0, n = 0; i < names.length - 1; ) {
    const code = names[i++]![0]!;
    const oldPath = code === 'R' || code === 'C' ? names[i++] : undefined;
    const path = names[i++]!;
    const [adds, dels] = numbers[n]!.split('\t');
    n += oldPath ? 3 : 1;
    const binary = adds === '-';
    files.push({
      path,
      ...(oldPath ? { oldPath } : {}),
      status: STATUS[code]!,
      additions: binary ? 0 : Number(adds),
      deletions: binary ? 0 : Number(dels),
      binary,
      surfaces: surfaces
        .filter(([, match]) => match(path) || (oldPath && match(oldPath)))
        .map(([name]) => name),
      ignored: ignored(path),
    });
  }
  const filesArtifact: FilesArtifact = { schemaVersion: 1, from: options.from, to: options.to, files };
  await writeFile(paths.files, JSON.stringify(filesArtifact, null, 2));
  const release: ReleaseArtifact = {
    schemaVersion: 1,
    upstream: options.id,
    repo: options.repo,
    url: `file://${options.gitDir}`,
    from: { tag: options.from, commit: await commit(options.from) },
    to: { tag: options.to, commit: await commit(options.to) },
    releases: [
      { tag: options.to, version: '0.0.0', prerelease: false, notes: options.notes ?? 'Release notes.' },
    ],
    compareUrl: `https://example.test/${options.repo}/compare/${options.from}...${options.to}`,
    commits: Number((await git('rev-list', '--count', `${options.from}..${options.to}`)).trim()),
    generatedAt: new Date(0).toISOString(),
  };
  await writeFile(paths.release, JSON.stringify(release, null, 2));
  return paths;
}
