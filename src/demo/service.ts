import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analysisSchema, type Finding } from '../analysis/schema.js';
import { artifactPaths } from '../artifacts/paths.js';
import { createProgress, type ProgressStream } from '../cli/progress.js';
import { loadConfig } from '../config/load.js';
import { githubEnv } from '../github/env.js';
import { createRunDeps } from '../run/deps.js';
import { type RunResult, renderRun, runAll } from '../run/service.js';
import { writeJsonAtomically } from '../util/fs.js';
import { renderTable } from '../util/table.js';
import { buildSampleUpstream, sampleUpstreamConfig } from './sample.js';

export interface DemoResult {
  dir: string;
  config: string;
  run: RunResult;
  findings: Finding[];
  report: string;
}

/**
 * The offline demo: a sample upstream with two releases served over file://, and the whole pipeline
 * run on it with scanners only and --dry-run. No token, no network; everything stays in `dir`.
 */
export async function runDemo(
  options: { dir?: string; json?: boolean; stream?: ProgressStream } = {},
): Promise<DemoResult> {
  const dir = options.dir ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'release-watch-demo-'));
  const progress = createProgress({ json: options.json, stream: options.stream });
  const upstreamDir = await progress.step('demo: building the sample upstream', () =>
    buildSampleUpstream(join(dir, 'upstream')),
  );
  const configFile = join(dir, 'project', 'release-watch.config.json');
  await writeJsonAtomically(configFile, {
    downstream: { labels: ['release-watch'], minSeverity: 'medium' },
    agent: { kind: 'none' },
    upstreams: {
      sample: sampleUpstreamConfig(upstreamDir),
    },
  });
  const config = await loadConfig({ file: configFile });
  // No token and no downstream repository: the dry run never reaches GitHub.
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

/** What `demo` prints: the run table, the findings (with where each one's first evidence is), report.md. */
export function renderDemo(result: DemoResult): string {
  const findings = result.findings.map((f) => {
    const where = f.evidence[0] ? ` (${f.evidence[0].path}:${f.evidence[0].startLine})` : '';
    return `  [${f.severity}] ${f.title}${where}`;
  });
  return [
    renderTable(renderRun(result.run)),
    `\nFindings (${result.findings.length}):`,
    ...findings,
    `\nWhat report would file (dry run, ${result.run.upstreams[0]?.report}):\n`,
    result.report,
    `Demo files: ${result.dir}`,
  ].join('\n');
}
