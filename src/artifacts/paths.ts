import { join } from 'node:path';
import { tagFolderName } from '../util/tag-folder.js';

export const ARTIFACT_FILES = {
  release: 'release.json',
  patch: 'diff.patch',
  stat: 'diff.stat',
  log: 'log.txt',
  files: 'files.json',
  context: 'context.md',
  analysis: 'analysis.json',
  report: 'report.md',
} as const;

export type ArtifactName = keyof typeof ARTIFACT_FILES;
export type ArtifactPaths = Record<ArtifactName, string> & { dir: string };

/** `<artifacts>/<upstream>/<to-tag>/`; a `/` in a tag is kept inside one folder name. */
export function artifactPaths(artifactsRoot: string, upstream: string, tag: string): ArtifactPaths {
  const dir = join(artifactsRoot, upstream, tagFolderName(tag));
  const paths = Object.fromEntries(
    Object.entries(ARTIFACT_FILES).map(([name, file]) => [name, join(dir, file)]),
  );
  return { dir, ...(paths as Record<ArtifactName, string>) };
}
