import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { type Analysis, analysisSchema, type Finding } from '../analysis/schema.js';
import { ReleaseBatch } from '../artifacts/batch.js';
import { artifactTags } from '../artifacts/list.js';
import { artifactPaths } from '../artifacts/paths.js';
import { readArtifact } from '../artifacts/read.js';
import { type ReleaseArtifact, releaseArtifactSchema } from '../artifacts/schema.js';
import type { ResolvedConfig } from '../config/load.js';
import { severityRank } from '../config/severity.js';
import { getUpstream, selectUpstream, tagPatternOf, upstreamIds, webUrl } from '../config/upstreams.js';
import { Errors } from '../errors.js';
import { validateTagName } from '../git/run.js';
import type { GitHubClient, GitHubEnv } from '../github/client.js';
import {
  readState,
  type UpstreamState,
  updateUpstreamState,
  upstreamState,
  withStateLock,
} from '../state/store.js';
import { appendFileAtomically } from '../util/fs.js';
import { redactSecrets, registerSecret } from '../util/redact.js';
import { type CreateRetry, GitHubCallFailed, IssueTracker, type TrackedIssue } from './github.js';
import { fingerprintOf } from './markers.js';
import {
  DASHBOARD_TITLE,
  type DashboardRow,
  dashboardBody,
  issueBody,
  issueLabels,
  issueTitle,
  type ReleaseContext,
  seenAgainComment,
} from './render.js';
import { reportMarkdown } from './summary.js';
import type { DashboardAction, FindingOutcome, ReportResult } from './types.js';

/** The folder of a release that holds the body of each issue report filed or would file. */
const ISSUES_DIR = 'issues';

export interface ReportOptions {
  upstream?: string;
  /** Default: the newest analyzed tag newer than the state's lastReviewed. */
  tag?: string;
  dryRun?: boolean;
  includeUnverified?: boolean;
}

/** I/O, constructed once by the command (tests pass a client pointed at the stand-in). */
export interface ReportDeps {
  github: GitHubClient;
  env: GitHubEnv;
  now?: () => Date;
  /** Retries of requests that create issues and comments (checked for the marker before each). */
  createRetry?: CreateRetry;
  /** Progress notes (waiting for the state lock). */
  onNote?: (message: string) => void;
}

/** Analyzed tags of an upstream (folders holding analysis.json whose tag fits the pattern), newest first. */
async function analyzedTags(config: ResolvedConfig, id: string): Promise<{ tag: string; version: string }[]> {
  const pattern = tagPatternOf(getUpstream(config, id));
  const found: { tag: string; version: string }[] = [];
  for (const tag of await artifactTags(config.artifacts, id)) {
    const version = pattern.versionOf(tag);
    if (version && (await exists(artifactPaths(config.artifacts, id, tag).analysis)))
      found.push({ tag, version });
  }
  return found.sort((a, b) => semver.rcompare(a.version, b.version));
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** The newest analyzed tag newer than `lastReviewed`, if any. */
async function pendingAnalyzedTag(config: ResolvedConfig, id: string, lastReviewed: string | null) {
  const last =
    lastReviewed === null ? undefined : tagPatternOf(getUpstream(config, id)).versionOf(lastReviewed);
  const newest = (await analyzedTags(config, id)).find(
    (t) => lastReviewed === null || (last !== undefined && semver.gt(t.version, last)),
  );
  return newest?.tag;
}

/**
 * Which upstream and tag to report: the flags when given (`--tag` alone picks the upstream by its
 * pattern), else the newest analyzed release newer than the state, of the one upstream that has one.
 */
export async function selectRelease(
  config: ResolvedConfig,
  options: Pick<ReportOptions, 'upstream' | 'tag'>,
): Promise<{ id: string; tag: string }> {
  if (options.tag) await validateTagName(options.tag, undefined, '--tag');
  const state = await readState(config.state);
  const lastOf = (id: string) => upstreamState(state, id).lastReviewed;
  if (options.upstream || options.tag || upstreamIds(config).length === 1) {
    const id = selectUpstream(config, options);
    const tag = options.tag ?? (await pendingAnalyzedTag(config, id, lastOf(id)));
    if (!tag) throw Errors.nothingToReport(id, lastOf(id), join(config.artifacts, id));
    return { id, tag };
  }
  const pending: { id: string; tag: string }[] = [];
  for (const id of upstreamIds(config)) {
    const tag = await pendingAnalyzedTag(config, id, lastOf(id));
    if (tag) pending.push({ id, tag });
  }
  if (pending.length === 1) return pending[0]!;
  if (pending.length === 0)
    throw Errors.nothingToReport(upstreamIds(config).join(', '), null, config.artifacts);
  throw Errors.reportUpstreamAmbiguous(pending.map((p) => `${p.id} (${p.tag})`));
}

function checkArtifacts(
  id: string,
  tag: string,
  analysis: Analysis,
  release: ReleaseArtifact,
  files: string[],
) {
  const problems = [
    analysis.upstream.id !== id && `${files[0]}: upstream.id is "${analysis.upstream.id}", expected "${id}"`,
    analysis.upstream.to !== tag &&
      `${files[0]}: upstream.to is "${analysis.upstream.to}", expected "${tag}"`,
    release.upstream !== id && `${files[1]}: upstream is "${release.upstream}", expected "${id}"`,
    release.to.tag !== tag && `${files[1]}: to.tag is "${release.to.tag}", expected "${tag}"`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) throw Errors.artifactInvalid(files[0]!, problems);
}

/** Whether `tag` is an older release than `other` (by the upstream's tag pattern). */
function isOlder(config: ResolvedConfig, id: string, tag: string, other: string | null | undefined): boolean {
  if (!other) return false;
  const pattern = tagPatternOf(getUpstream(config, id));
  const [mine, theirs] = [pattern.versionOf(tag), pattern.versionOf(other)];
  return mine !== undefined && theirs !== undefined && semver.lt(mine, theirs);
}

/**
 * The report stage for one upstream release: one issue per qualifying finding in the downstream
 * repository (deduplicated by the fingerprint marker), report.md, the job summary, and only then the
 * state. A failure part-way leaves the state as it was; re-running completes without duplicates.
 */
export function reportRelease(
  config: ResolvedConfig,
  deps: ReportDeps,
  options: ReportOptions = {},
): Promise<ReportResult> {
  // One writer per state file from the first look at the issues to the state advance, so two reports
  // of one release never both find a finding unfiled. A dry run writes neither: it takes no lock.
  if (options.dryRun) return reportLocked(config, deps, options);
  return withStateLock(config.state, () => reportLocked(config, deps, options), deps.onNote);
}

async function reportLocked(
  config: ResolvedConfig,
  deps: ReportDeps,
  options: ReportOptions,
): Promise<ReportResult> {
  const now = deps.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  const { id, tag } = await selectRelease(config, options);
  const upstream = getUpstream(config, id);
  const before = upstreamState(await readState(config.state), id);
  const paths = artifactPaths(config.artifacts, id, tag);
  const analysis = await readArtifact(paths.analysis, analysisSchema, 'analyze');
  const release = await readArtifact(paths.release, releaseArtifactSchema, 'diff');
  checkArtifacts(id, tag, analysis, release, [paths.analysis, paths.release]);

  const { downstream } = config;
  const repo = downstream.repo ?? deps.env.repository ?? null;
  if (!repo && !dryRun) throw Errors.downstreamRepoMissing(config.file);
  if (repo && !dryRun && !deps.env.token) throw Errors.githubTokenMissing(repo);
  // The token given to this stage (it may not come from the environment) is hidden like the others.
  registerSecret(deps.env.token);

  const ctx: ReleaseContext = { upstream: id, repo: upstream.repo, web: webUrl(upstream, deps.env), release };
  const notes: string[] = [];
  const tracker = repo ? new IssueTracker(deps.github, repo, downstream.labels, deps.createRetry) : undefined;
  const filed: number[] = [];
  const fail = (error: unknown): never => {
    if (!(error instanceof GitHubCallFailed)) throw error;
    throw Errors.githubRequestFailed({
      during: 'report',
      upstream: id,
      tag,
      repo: repo ?? '(none)',
      action: error.action,
      status: error.status,
      reason: redactSecrets(error.reason),
      filed,
      lastReviewed: before.lastReviewed,
    });
  };

  // Reading GitHub: a dry run goes on without it, saying so.
  let known: TrackedIssue[] = [];
  if (!tracker)
    notes.push(
      'No downstream repository (downstream.repo or GITHUB_REPOSITORY): every finding counts as new.',
    );
  else {
    try {
      known = await tracker.listIssues();
    } catch (error) {
      if (!dryRun) fail(error);
      notes.push(
        `Could not read the issues of ${repo} (${redactSecrets((error as Error).message)}): every finding counts as new.`,
      );
    }
  }

  const plan = { outcomes: [] as FindingOutcome[], toFile: [] as Planned[], toComment: [] as Planned[] };
  try {
    await planFindings(plan, {
      config,
      id,
      tag,
      analysis,
      known,
      tracker,
      dryRun,
      notes,
      options,
    });
    plan.toFile.forEach(({ finding, outcome, labels }, n) => {
      const marker = { fingerprint: outcome.fingerprint, upstream: id, tag };
      outcome.labels = labels;
      outcome.body = issueBody(finding, ctx, marker);
      outcome.bodyFile = join(paths.dir, ISSUES_DIR, `${String(n + 1).padStart(2, '0')}-${finding.id}.md`);
    });
    if (!dryRun && tracker) {
      if (plan.toFile.length > 0) await tracker.ensureLabels(plan.toFile.flatMap((p) => p.labels));
      for (const { outcome, labels } of plan.toFile) {
        const issue = await tracker.createIssue(
          { title: outcome.issueTitle!, body: outcome.body!, labels },
          (i) => i.finding?.fingerprint === outcome.fingerprint,
        );
        filed.push(issue.number);
        known.push(issue);
        outcome.issue = { number: issue.number, url: issue.url, state: issue.state };
      }
      for (const { finding, outcome } of plan.toComment) {
        const marker = { fingerprint: outcome.fingerprint, upstream: id, tag };
        await tracker.comment(outcome.issue!.number, seenAgainComment(finding, ctx, marker), marker);
      }
    }
  } catch (error) {
    fail(error);
  }
  const { outcomes } = plan;

  const advance = !isOlder(config, id, tag, before.lastReviewed);
  const issues = [...new Set(outcomes.flatMap((o) => (o.issue ? [o.issue.number] : [])))].sort(
    (a, b) => a - b,
  );
  const after: UpstreamState = advance
    ? { ...before, lastReviewed: tag, reviewedAt: now().toISOString(), impact: analysis.impact, issues }
    : before;

  let dashboard: ReportResult['dashboard'];
  if (downstream.dashboard && tracker) {
    try {
      dashboard = await updateDashboard(config, tracker, known, { id, state: after }, dryRun);
    } catch (error) {
      fail(error);
    }
  }

  const pick = (...actions: FindingOutcome['action'][]) => outcomes.filter((o) => actions.includes(o.action));
  const result: ReportResult = {
    upstream: id,
    tag,
    from: release.from.tag,
    repo,
    dryRun,
    impact: analysis.impact,
    minSeverity: downstream.minSeverity,
    created: pick('created', 'would-create'),
    updated: pick('commented', 'would-comment'),
    skipped: pick('exists', 'closed', 'deferred', 'below-min-severity', 'unverified'),
    dashboard,
    state: {
      advanced: !dryRun && advance,
      lastReviewed: dryRun ? before.lastReviewed : after.lastReviewed,
      issues,
    },
    report: paths.report,
    issueFiles: plan.toFile.map((p) => p.outcome.bodyFile!),
    notes,
  };
  const markdown = reportMarkdown(result, ctx, analysis.summary, downstream.maxIssuesPerRun);
  // report.md and the issue bodies change together; bodies of an earlier report are not carried over.
  const batch = await ReleaseBatch.open(paths.dir);
  try {
    batch.own(join(paths.dir, ISSUES_DIR));
    await batch.write(paths.report, markdown);
    for (const { outcome } of plan.toFile) await batch.write(outcome.bodyFile!, outcome.body!);
    await batch.commit();
  } catch (error) {
    await batch.discard();
    throw error;
  }
  if (!dryRun && deps.env.stepSummary) await appendFileAtomically(deps.env.stepSummary, `${markdown}\n`);
  if (!dryRun && advance) await updateUpstreamState(config.state, id, () => after);
  return result;
}

interface Planned {
  finding: Finding;
  outcome: FindingOutcome;
  labels: string[];
}

/**
 * What to do with each finding, most severe first (so the per-run limit keeps the worst): file it,
 * comment on its open issue, or skip it, and why. Reads GitHub (comments) but writes nothing.
 */
async function planFindings(
  plan: { outcomes: FindingOutcome[]; toFile: Planned[]; toComment: Planned[] },
  input: {
    config: ResolvedConfig;
    id: string;
    tag: string;
    analysis: Analysis;
    known: TrackedIssue[];
    tracker: IssueTracker | undefined;
    dryRun: boolean;
    notes: string[];
    options: ReportOptions;
  },
): Promise<void> {
  const { config, id, tag, known, tracker, dryRun } = input;
  const { downstream } = config;
  const ordered = input.analysis.findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        severityRank(b.finding.severity) - severityRank(a.finding.severity) ||
        b.finding.confidence - a.finding.confidence ||
        a.index - b.index,
    );
  for (const { finding } of ordered) {
    const fingerprint = fingerprintOf(id, finding.id, finding.surface);
    const outcome: FindingOutcome = {
      findingId: finding.id,
      title: finding.title,
      severity: finding.severity,
      surface: finding.surface,
      fingerprint,
      action: 'below-min-severity',
    };
    plan.outcomes.push(outcome);
    if (severityRank(finding.severity) < severityRank(downstream.minSeverity)) continue;
    if (!finding.verified && !input.options.includeUnverified) {
      outcome.action = 'unverified';
      continue;
    }
    const labels = issueLabels(downstream.labels, id, finding.severity);
    const matches = known
      .filter((i) => i.finding?.fingerprint === fingerprint)
      .sort((a, b) => a.number - b.number);
    const open = matches.find((i) => i.state === 'open');
    const match = open ?? matches[0];
    if (match) outcome.issue = { number: match.number, url: match.url, state: match.state };
    if (open && tracker) {
      // Filed for this release or a later one, or already commented for this one: nothing to add.
      const noted =
        open.finding?.tag === tag ||
        isOlder(config, id, tag, open.finding?.tag) ||
        (await seenTags(tracker, open, fingerprint, dryRun, input.notes)).has(tag);
      outcome.action = noted ? 'exists' : dryRun ? 'would-comment' : 'commented';
      if (!noted) plan.toComment.push({ finding, outcome, labels });
    } else if (match) {
      outcome.action = 'closed';
    } else if (plan.toFile.length < downstream.maxIssuesPerRun) {
      outcome.action = dryRun ? 'would-create' : 'created';
      outcome.issueTitle = issueTitle(id, tag, finding);
      plan.toFile.push({ finding, outcome, labels });
    } else {
      outcome.action = 'deferred';
    }
  }
}

async function seenTags(
  tracker: IssueTracker,
  issue: TrackedIssue,
  fingerprint: string,
  dryRun: boolean,
  notes: string[],
): Promise<Set<string>> {
  try {
    return await tracker.seenTags(issue.number, fingerprint);
  } catch (error) {
    if (!dryRun) throw error;
    notes.push(
      `Could not read the comments of #${issue.number} (${redactSecrets((error as Error).message)}).`,
    );
    return new Set();
  }
}

/** Keeps the one overview issue up to date in place; found by its marker, created when missing. */
async function updateDashboard(
  config: ResolvedConfig,
  tracker: IssueTracker,
  known: TrackedIssue[],
  current: { id: string; state: UpstreamState },
  dryRun: boolean,
): Promise<{ action: DashboardAction; number?: number; url?: string }> {
  const state = await readState(config.state);
  const rows: DashboardRow[] = [];
  for (const id of upstreamIds(config)) {
    const entry = id === current.id ? current.state : upstreamState(state, id);
    rows.push({
      upstream: id,
      repo: getUpstream(config, id).repo,
      lastReviewed: entry.lastReviewed,
      reviewedAt: entry.reviewedAt,
      newestAnalyzed: (await analyzedTags(config, id))[0]?.tag,
      openFindings: known
        .filter((i) => i.state === 'open' && i.finding?.upstream === id)
        .sort((a, b) => a.number - b.number)
        .map((i) => ({ number: i.number, url: i.url, title: i.title })),
    });
  }
  const body = dashboardBody(rows);
  const existing = known.filter((i) => i.dashboard).sort((a, b) => a.number - b.number)[0];
  if (existing) {
    const where = { number: existing.number, url: existing.url };
    if (existing.body.trim() === body.trim()) return { action: 'unchanged', ...where };
    if (dryRun) return { action: 'would-update', ...where };
    await tracker.updateBody(existing.number, body);
    return { action: 'updated', ...where };
  }
  if (dryRun) return { action: 'would-create' };
  const created = await tracker.createIssue(
    { title: DASHBOARD_TITLE, body, labels: [...config.downstream.labels] },
    (i) => i.dashboard,
  );
  return { action: 'created', number: created.number, url: created.url };
}
