import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { Anchor } from '../../src/analysis/anchors/types.js';
import type { DownstreamReader } from '../../src/analysis/downstream-files.js';
import { verifyFindings } from '../../src/analysis/evidence.js';
import { scanDiff } from '../../src/analysis/pass.js';
import { classify } from '../../src/analysis/patch/classify.js';
import { type FileDiff, streamPatch } from '../../src/analysis/patch/patch.js';
import { parseBudget } from '../../src/analysis/scanners/budget.js';
import type { AnyRule } from '../../src/analysis/scanners/types.js';
import type { FilesArtifact, ReleaseArtifact } from '../../src/artifacts/schema.js';
import { upstreamSchema } from '../../src/config/schema.js';
import { gitRepoReader } from '../../src/git/reader.js';
import { writeDiffArtifacts } from './diff-artifacts.js';
import type { FixtureRepo } from './git-fixture.js';
import { tempDir } from './tmp.js';

/** Diff artifacts for `from..to` of a fixture repo, and a reader of its two sides (closed after the test). */
export async function diffFixture(
  repo: FixtureRepo,
  options: { from: string; to: string; surfaces?: Record<string, string[]>; ignore?: string[] },
) {
  const gitDir = join(repo.dir, '.git');
  const paths = await writeDiffArtifacts({
    gitDir,
    artifacts: await tempDir('rw-artifacts-'),
    id: 'up',
    repo: 'owner/up',
    ...options,
  });
  const release = JSON.parse(await readFile(paths.release, 'utf8')) as ReleaseArtifact;
  const files = JSON.parse(await readFile(paths.files, 'utf8')) as FilesArtifact;
  const reader = gitRepoReader(gitDir, { from: release.from.commit, to: release.to.commit });
  onTestFinished(() => reader.close());
  return { paths, release, files, reader };
}

/** Diff artifacts for `from..to` of a fixture repo, then one scan pass (with the given rules) and verification. */
export async function scanFixture(
  repo: FixtureRepo,
  options: {
    from: string;
    to: string;
    surfaces?: Record<string, string[]>;
    ignore?: string[];
    rules?: readonly AnyRule[];
    maxChars?: number;
    parseChars?: number;
    anchors?: readonly Anchor[];
    downstream?: DownstreamReader;
  },
) {
  const { paths, release, files, reader } = await diffFixture(repo, options);
  const upstream = upstreamSchema.parse({
    repo: 'owner/up',
    tags: 'v*',
    surfaces: options.surfaces ?? {},
    ignore: options.ignore ?? [],
  });
  const scan = await scanDiff({
    patchFile: paths.patch,
    files: files.files,
    upstream,
    reader,
    maxChars: options.maxChars ?? 400_000,
    rules: options.rules,
    parseChars: options.parseChars,
    anchors: options.anchors,
    downstream: options.downstream,
  });
  const verified = await verifyFindings(scan.findings, reader, options.downstream);
  return {
    ...verified,
    context: scan.context,
    unparsed: scan.unparsed,
    release,
    files: files.files,
    upstream,
    reader,
    paths,
  };
}

/** A fixture repo with `before` tagged v1 and `after` (changes on top) tagged v2. */
export async function twoReleases(
  createRepo: () => Promise<FixtureRepo>,
  before: Record<string, string>,
  after: Record<string, string | null>,
) {
  const repo = await createRepo();
  await repo.commit(before, 'v1');
  await repo.tag('v1');
  await repo.commit(after, 'v2');
  await repo.tag('v2');
  return repo;
}

/** One rule's raw observations over a scanned fixture (what the runner turns into findings). */
export async function observe(rule: AnyRule, scanned: Awaited<ReturnType<typeof scanFixture>>) {
  const run = rule.create({
    upstream: scanned.upstream,
    files: scanned.files,
    reader: scanned.reader,
    budget: parseBudget(),
  });
  const diffs = new Map<string, FileDiff>();
  for await (const diff of streamPatch(scanned.paths.patch)) diffs.set(diff.path, diff);
  for (const meta of scanned.files) {
    const diff = diffs.get(meta.path);
    await run.file({ meta, class: classify(meta), ...(diff ? { diff } : {}) });
  }
  return run.finish();
}
