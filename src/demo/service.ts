import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sortBySeverity } from '../analysis/scanners/index.js';
import { analysisSchema, type Finding } from '../analysis/schema.js';
import { artifactPaths } from '../artifacts/paths.js';
import { createProgress, type ProgressStream } from '../cli/progress.js';
import { loadConfig } from '../config/load.js';
import { Errors } from '../errors.js';
import { githubEnv } from '../github/env.js';
import { wouldBeIssues } from '../report/summary.js';
import { createRunDeps } from '../run/deps.js';
import { type RunResult, renderRun, runAll } from '../run/service.js';
import { writeJsonAtomically } from '../util/fs.js';
import { renderTable } from '../util/table.js';
import { buildSampleDownstream, buildSampleUpstream, sampleUpstreamConfig } from './sample.js';

export interface DemoResult {
  dir: string;
  config: string;
  run: RunResult;
  findings: Finding[];
  report: string;
}

/**
 * The offline demo: a sample upstream with two releases served over file://, a sample plugin of it
 * (a committed checkout, so its anchors are mined), and the whole pipeline run on them with scanners
 * only and --dry-run. No token, no network; everything stays in `dir`.
 */
export async function runDemo(
  options: { dir?: string; json?: boolean; stream?: ProgressStream } = {},
): Promise<DemoResult> {
  const dir = options.dir ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'release-watch-demo-'));
  await claimDemoDir(dir);
  const progress = createProgress({ json: options.json, stream: options.stream });
  const upstreamDir = await progress.step('demo: building the sample upstream', () =>
    buildSampleUpstream(join(dir, 'upstream')),
  );
  const projectDir = await progress.step('demo: building the sample plugin (the downstream)', () =>
    buildSampleDownstream(join(dir, 'project')),
  );
  const configFile = join(projectDir, 'release-watch.config.json');
  await writeJsonAtomically(configFile, {
    downstream: { labels: ['release-watch'], minSeverity: 'medium' },
    agent: { kind: 'none' },
    upstreams: {
      sample: sampleUpstreamConfig(upstreamDir),
    },
  });
  const config = await loadConfig({ file: configFile });
  // No token and no downstream repository on GitHub: the dry run never reaches it.
  const env = githubEnv({});
  const run = await runAll(config, { dryRun: true, agent: 'none' }, createRunDeps(config, { env, progress }));
  const sample = run.upstreams[0]!;
  const paths = artifactPaths(config.artifacts, 'sample', sample.to ?? 'v1.1.0');
  const analysis = sample.to
    ? analysisSchema.parse(JSON.parse(await readFile(paths.analysis, 'utf8')))
    : undefined;
  const report = sample.report ? await readFile(sample.report, 'utf8') : '';
  return { dir, config: configFile, run, findings: analysis?.findings ?? [], report };
}

/** Marks a folder as the demo's own: a re-run replaces what it built there. */
const MARKER = '.release-watch-demo';
const BUILT = ['upstream', 'project'];

/** An empty (or new) folder, or one an earlier demo built: its upstream/ and project/ are rebuilt. */
async function claimDemoDir(dir: string): Promise<void> {
  const entries: string[] = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0 && !entries.includes(MARKER)) throw Errors.demoDirNotEmpty(dir, entries.sort());
  await Promise.all(BUILT.map((name) => rm(join(dir, name), { recursive: true, force: true })));
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, MARKER),
    'Built by `release-watch demo`; running it again here rebuilds upstream/ and project/.\n',
  );
}

/**
 * What `demo` prints: the run table, the findings most severe first (where each one's evidence starts
 * upstream, and the plugin's own line it reaches), and the would-be issues with the first body in full.
 */
export function renderDemo(result: DemoResult): string {
  const findings = sortBySeverity(result.findings).map((f) => {
    const upstream = f.evidence.find((e) => e.ref !== 'downstream');
    const yours = f.evidence.find((e) => e.ref === 'downstream');
    const places = [
      ...(upstream ? [`${upstream.path}:${upstream.startLine}`] : []),
      ...(yours ? [`your ${yours.path}:${yours.startLine}`] : []),
    ];
    const where = places.length > 0 ? ` (${places.join(', ')})` : '';
    return `  [${f.severity}] ${f.title}${where}${f.verified ? '' : ' (unverified)'}`;
  });
  const sample = result.run.upstreams[0];
  return [
    renderTable(renderRun(result.run)),
    `\nFindings (${result.findings.length}, most severe first):`,
    ...findings,
    '',
    ...wouldBeIssues({ created: sample?.planned ?? [] }),
    '',
    `Report (dry run): ${sample?.report ?? '-'}`,
    `Demo files: ${result.dir}`,
  ].join('\n');
}
