import { mkdir, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { artifactPaths } from '../../src/artifacts/paths.js';
import type { FilesArtifact, ReleaseArtifact } from '../../src/artifacts/schema.js';
import { fileClassifier } from '../../src/diff/classify.js';
import { parseRawNumstat } from '../../src/git/changes.js';

/**
 * Diff artifacts for scanner and analyze unit tests, written from a plain (non-cache) repository:
 * release.json, diff.patch, diff.stat, log.txt and files.json for `from..to`. files.json uses the
 * diff stage's parser and classifier; the run and e2e tests go through the real diff stage.
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

  // files.json through the diff stage's own parser and classifier, so the two cannot drift apart.
  const classify = fileClassifier({ surfaces: options.surfaces ?? {}, ignore: options.ignore ?? [] });
  const files = parseRawNumstat(
    await git('diff', '--raw', '--numstat', '-z', '--no-abbrev', '-M', ...range),
  ).map(classify);
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
