import { agentPreflightInput } from '../analysis/agent/preflight.js';
import type { AnalyzeDeps } from '../analysis/service.js';
import type { Progress } from '../cli/progress.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Severity } from '../config/schema.js';
import type { DiffDeps } from '../diff/service.js';
import { codedFileError, Errors, isReleaseWatchError, type ReleaseWatchError } from '../errors.js';
import type { GitHubClient, GitHubEnv } from '../github/client.js';
import { wouldBeIssues } from '../report/summary.js';
import type { ReportResult } from '../report/types.js';
import { checkUpstreams, type UpstreamCheck } from '../sources/check.js';
import type { SourceDeps } from '../sources/types.js';
import { withStateLock } from '../state/store.js';

export interface RunOptions {
  upstreams?: readonly string[];
  dryRun?: boolean;
  /** File findings whose evidence was not verified too. */
  includeUnverified?: boolean;
  agent?: 'opencode' | 'none';
  model?: string;
}

export type Stage = 'check' | 'diff' | 'analyze' | 'report';

/** The stages `run` chains; injected so tests can fail one of them. */
export interface RunStages {
  diff: typeof import('../diff/service.js').diffRelease;
  analyze: typeof import('../analysis/service.js').analyzeRelease;
  report: typeof import('../report/service.js').reportRelease;
}

export interface RunDeps {
  env: GitHubEnv;
  sources: SourceDeps;
  diff: DiffDeps;
  analyze: AnalyzeDeps;
  github: () => Promise<GitHubClient>;
  progress: Progress;
  stages?: Partial<RunStages>;
}

export interface UpstreamRun {
  id: string;
  status: 'reviewed' | 'dry-run' | 'up-to-date' | 'failed';
  from?: string;
  to?: string;
  /** Releases covered by the review (newest first). */
  pending?: string[];
  impact?: Severity;
  findings?: number;
  issues?: { created: number[]; updated: number[]; skipped: number; wouldCreate: number };
  /** The issues filed or that a dry run would file: title, labels, body and where the body was written. */
  planned?: ReportResult['created'];
  report?: string;
  /** The stage that failed, and why. */
  failedAt?: Stage;
  error?: ReturnType<ReleaseWatchError['toJSON']>;
}

export interface RunResult {
  dryRun: boolean;
  upstreams: UpstreamRun[];
  failed: number;
}

const errorJson = (error: unknown): ReturnType<ReleaseWatchError['toJSON']> =>
  (isReleaseWatchError(error) ? error : (codedFileError(error) ?? Errors.unexpected(error))).toJSON();

/**
 * check, then for every upstream with a new release: diff → analyze → report (which advances the
 * state). Upstreams are isolated: one failing is recorded and the others still run.
 */
export function runAll(config: ResolvedConfig, options: RunOptions, deps: RunDeps): Promise<RunResult> {
  // A second run waits for the first (then refuses): it would diff, analyze and report the same releases.
  if (options.dryRun) return runLocked(config, options, deps);
  return withStateLock(
    config.state,
    () => runLocked(config, options, deps),
    (message) => deps.progress.note(message),
  );
}

async function runLocked(config: ResolvedConfig, options: RunOptions, deps: RunDeps): Promise<RunResult> {
  const stages: RunStages = {
    diff: deps.stages?.diff ?? (await import('../diff/service.js')).diffRelease,
    analyze: deps.stages?.analyze ?? (await import('../analysis/service.js')).analyzeRelease,
    report: deps.stages?.report ?? (await import('../report/service.js')).reportRelease,
  };
  const { progress } = deps;
  // An agent that cannot start fails the run once, before anything is fetched.
  if ((options.agent ?? config.agent.kind) === 'opencode') {
    await deps.analyze.agentPreflight?.(agentPreflightInput(config, options.model));
  }
  const checks = await progress.step('check: newest releases', () =>
    checkUpstreams(config, deps.sources, { upstreams: options.upstreams }),
  );
  const results: UpstreamRun[] = [];
  for (const check of checks) {
    results.push(await runUpstream(config, check, options, deps, stages));
  }
  return {
    dryRun: options.dryRun ?? false,
    upstreams: results,
    failed: results.filter((r) => r.status === 'failed').length,
  };
}

async function runUpstream(
  config: ResolvedConfig,
  check: UpstreamCheck,
  options: RunOptions,
  deps: RunDeps,
  stages: RunStages,
): Promise<UpstreamRun> {
  const { id } = check;
  const { progress } = deps;
  if (check.status === 'error') {
    progress.error(`${id}: check failed: ${check.error?.message}`);
    return { id, status: 'failed', failedAt: 'check', error: check.error };
  }
  if (check.status === 'up-to-date') {
    progress.note(`${id}: up to date at ${check.lastReviewed}`);
    return { id, status: 'up-to-date', from: check.lastReviewed ?? undefined };
  }
  const to = check.pending[0]!.tag;
  const from = check.from ?? undefined;
  const run: UpstreamRun = { id, status: 'failed', from, to, pending: check.pending.map((r) => r.tag) };
  let stage: Stage = 'diff';
  try {
    await progress.group(`${id}: ${from ?? '(first release)'} → ${to}`, async () => {
      const diff = await progress.step(`${id}: diff`, () =>
        stages.diff(config, { upstream: id, from, to }, deps.diff),
      );
      run.from = diff.from.tag;
      stage = 'analyze';
      const analysis = await progress.step(`${id}: analyze (${options.agent ?? config.agent.kind})`, () =>
        stages.analyze(
          config,
          { upstream: id, tag: to, from: diff.from.tag, agent: options.agent, model: options.model },
          deps.analyze,
        ),
      );
      run.impact = analysis.impact;
      run.findings = analysis.findings.total;
      stage = 'report';
      const github = await deps.github();
      const report: ReportResult = await progress.step(
        `${id}: report${options.dryRun ? ' (dry run)' : ''}`,
        () =>
          stages.report(
            config,
            { github, env: deps.env },
            {
              upstream: id,
              tag: to,
              dryRun: options.dryRun,
              includeUnverified: options.includeUnverified,
            },
          ),
      );
      run.report = report.report;
      run.planned = report.created;
      run.issues = summarizeIssues(report);
      run.status = options.dryRun ? 'dry-run' : 'reviewed';
    });
  } catch (error) {
    run.status = 'failed';
    run.failedAt = stage;
    run.error = errorJson(error);
    progress.error(`${id}: ${stage} failed: ${run.error.message}`);
  }
  return run;
}

function summarizeIssues(report: ReportResult): NonNullable<UpstreamRun['issues']> {
  const numbers = (items: ReportResult['created']) =>
    items.map((i) => i.issue?.number).filter((n): n is number => typeof n === 'number');
  return {
    created: numbers(report.created),
    updated: numbers(report.updated),
    skipped: report.skipped.length,
    wouldCreate: report.created.filter((i) => i.action === 'would-create').length,
  };
}

/** A dry run's would-be issues per upstream, printed after the table. */
export function renderRunIssues(result: RunResult): string[] {
  if (!result.dryRun) return [];
  return result.upstreams.flatMap((r) => (r.planned ? ['', ...wouldBeIssues({ created: r.planned })] : []));
}

/** One stderr line (and its suggestion) per failed upstream, printed after the table. */
export function renderRunFailures(result: RunResult): string[] {
  return result.upstreams.flatMap((r) =>
    r.error
      ? [
          `${r.id}: [${r.error.code}] ${r.error.message}`,
          ...(r.error.suggestion ? [`  → ${r.error.suggestion}`] : []),
        ]
      : [],
  );
}

/** The table printed at the end of `run`. */
export function renderRun(result: RunResult): string[][] {
  return [
    ['UPSTREAM', 'STATUS', 'FROM', 'TO', 'IMPACT', 'FINDINGS', 'ISSUES'],
    ...result.upstreams.map((r) => [
      r.id,
      r.failedAt ? `failed (${r.failedAt})` : r.status,
      r.from ?? '-',
      r.to ?? '-',
      r.impact ?? '-',
      r.findings === undefined ? '-' : String(r.findings),
      r.issues
        ? result.dryRun
          ? `${r.issues.wouldCreate} would be filed`
          : [
              r.issues.created.length ? `new ${r.issues.created.map((n) => `#${n}`).join(' ')}` : '',
              r.issues.updated.length ? `commented ${r.issues.updated.map((n) => `#${n}`).join(' ')}` : '',
            ]
              .filter(Boolean)
              .join(', ') || 'none'
        : '-',
    ]),
  ];
}
