import { existsSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { ReleaseBatch } from '../artifacts/batch.js';
import { artifactTags } from '../artifacts/list.js';
import { type ArtifactPaths, artifactPaths } from '../artifacts/paths.js';
import { readArtifact } from '../artifacts/read.js';
import {
  type ChangedFile,
  filesArtifactSchema,
  type ReleaseArtifact,
  releaseArtifactSchema,
} from '../artifacts/schema.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Severity } from '../config/schema.js';
import { countBySeverity, maxSeverity, severityCountLine, severityRank } from '../config/severity.js';
import { getUpstream, selectUpstream, tagPatternOf } from '../config/upstreams.js';
import { Errors, isReleaseWatchError } from '../errors.js';
import { gitRepoReader, type RepoReader } from '../git/reader.js';
import { type GitRunner, runGit, validateTagName } from '../git/run.js';
import { writeFileAtomically } from '../util/fs.js';
import { assertSafeTag } from '../util/safe-tag.js';
import { formatZodIssues } from '../util/zod.js';
import { type AgentPreflightInput, agentPreflightInput } from './agent/preflight.js';
import type { AgentRunner, AgentRunResult } from './agent/types.js';
import { unreadNote } from './anchors/render.js';
import type { Anchor, UpstreamAnchors } from './anchors/types.js';
import { downstreamReader } from './downstream-files.js';
import { mergeFindings, type VerificationProblem, verifyFindings } from './evidence.js';
import { scanDiff } from './pass.js';
import { OUTSIDE_SURFACES_PARSE_CHARS } from './scanners/budget.js';
import { sortBySeverity } from './scanners/index.js';
import { type Analysis, agentOutputSchema, analysisSchema, type Finding } from './schema.js';
import type { DiffStage, WorktreeStage } from './types.js';

export interface AnalyzeOptions {
  upstream?: string;
  tag?: string;
  from?: string;
  agent?: 'opencode' | 'none';
  model?: string;
}

export interface AnalyzeDeps {
  git?: GitRunner;
  /** Writes the diff artifacts when they are missing or compare another `from`. */
  runDiffStage: DiffStage;
  /** Checks out the `to` tag for the agent. */
  prepareWorktree: WorktreeStage;
  /** Runs the agent (kind opencode). */
  agentRunner: AgentRunner;
  /** Fails fast when the agent cannot start (no opencode, no agent file, no model); called before diffing. */
  agentPreflight?: (input: AgentPreflightInput) => Promise<unknown>;
  /** Reads upstream files at from/to; default: the upstream cache `<cache>/<id>.git`. */
  reader?: RepoReader;
  /**
   * What the downstream checkout (downstream.path) uses of the upstream at `from`. Without it, or
   * when it fails (no git checkout there), the scanners run without anchors.
   */
  anchors?: (request: { config: ResolvedConfig; upstream: string; from: string }) => Promise<UpstreamAnchors>;
  onNote?: (message: string) => void;
}

export interface AnalyzeResult {
  upstream: string;
  from: string;
  tag: string;
  path: string;
  context: string;
  impact: Severity;
  findings: {
    total: number;
    bySeverity: Record<Severity, number>;
    bySource: Record<Finding['source'], number>;
    unverified: number;
    /** Every finding by name, most severe first. */
    list: { id: string; severity: Severity; title: string; verified: boolean }[];
  };
  coverage: Analysis['coverage'];
  agent: Analysis['agent'];
  /** Evidence that did not hold, per finding. */
  unverified: VerificationProblem[];
}

const DIFF_ARTIFACTS = ['release', 'patch', 'files'] as const;
const hasDiffArtifacts = (paths: ArtifactPaths) => DIFF_ARTIFACTS.every((name) => existsSync(paths[name]));

/** The newest release folder of an upstream that holds diff artifacts (by the tag pattern's version). */
export async function newestAnalyzableTag(config: ResolvedConfig, id: string): Promise<string | undefined> {
  const pattern = tagPatternOf(getUpstream(config, id));
  const tags = (await artifactTags(config.artifacts, id)).filter((tag) =>
    hasDiffArtifacts(artifactPaths(config.artifacts, id, tag)),
  );
  const version = (tag: string) => pattern.versionOf(tag) ?? undefined;
  tags.sort((a, b) => {
    const va = version(a);
    const vb = version(b);
    if (va && vb) return semver.rcompare(va, vb);
    return va ? -1 : vb ? 1 : b.localeCompare(a);
  });
  return tags[0];
}

/** What the parsing rules left unread outside the surfaces (their budget), said in coverage. */
function unparsedNote(paths: readonly string[]): string {
  const shown = paths
    .slice(0, 5)
    .map((p) => `\`${p}\``)
    .join(', ');
  return `${paths.length} changed files outside the surfaces were not parsed for API, CLI and JSON-field changes (budget: ${OUTSIDE_SURFACES_PARSE_CHARS.toLocaleString('en-US')} characters of source): ${shown}${paths.length > 5 ? ', …' : ''}`;
}

function scannerSummary(findings: readonly Finding[], coverage: Analysis['coverage']): string {
  const bySeverity = severityCountLine(countBySeverity(findings.map((f) => f.severity)));
  const unverified = findings.filter((f) => !f.verified).length;
  const surfaces = coverage.surfacesTouched.length > 0 ? coverage.surfacesTouched.join(', ') : 'none';
  return `Scanners only (no agent): ${findings.length} findings${bySeverity ? ` (${bySeverity})` : ''}${unverified > 0 ? `, ${unverified} unverified` : ''} in ${coverage.filesChanged} changed files; surfaces touched: ${surfaces}.`;
}

/**
 * analyze: reuses (or has the diff stage write) the diff artifacts, runs the scanners and builds
 * context.md in one pass over diff.patch, runs the agent unless `none`, verifies every finding's
 * evidence against the repository, merges, and writes analysis.json. Nothing is written unless the
 * whole analysis succeeded; a failed agent run leaves context.md and analysis.json as they were.
 */
export async function analyzeRelease(
  config: ResolvedConfig,
  options: AnalyzeOptions,
  deps: AnalyzeDeps,
): Promise<AnalyzeResult> {
  if (options.tag) assertSafeTag(options.tag, '--tag');
  if (options.from) assertSafeTag(options.from, '--from');
  const git = deps.git ?? runGit;
  const id = selectUpstream(config, options);
  if (options.tag) await validateTagName(options.tag, git);
  if (options.from) await validateTagName(options.from, git);

  if ((options.agent ?? config.agent.kind) === 'opencode') {
    await deps.agentPreflight?.(agentPreflightInput(config, options.model));
  }
  const candidate = options.tag ?? (await newestAnalyzableTag(config, id));
  const producer = (tag?: string) => `diff --upstream ${id}${tag ? ` --to ${tag}` : ''}`;
  const present = candidate ? artifactPaths(config.artifacts, id, candidate) : undefined;
  // Reuse diff's artifacts unless they are missing or compare from another tag than --from.
  const why =
    !present || !hasDiffArtifacts(present)
      ? `no diff artifacts${candidate ? ` for ${candidate}` : ''}`
      : options.from &&
          (await readArtifact(present.release, releaseArtifactSchema, producer(candidate))).from.tag !==
            options.from
        ? `the artifacts of ${candidate} do not compare from ${options.from}`
        : undefined;
  if (why) deps.onNote?.(`${id}: ${why}; running diff first`);
  const tag = why
    ? // The one call site of the diff stage.
      (await deps.runDiffStage({ config, upstream: id, from: options.from, to: candidate })).to
    : candidate!;
  const paths = artifactPaths(config.artifacts, id, tag);
  const release = await readArtifact(paths.release, releaseArtifactSchema, producer(tag));
  const files = await readArtifact(paths.files, filesArtifactSchema, producer(tag));
  const cache = join(config.cache, `${id}.git`);
  // Evidence is checked against the upstream cache that diff fetched into.
  if (!deps.reader && !existsSync(cache)) throw Errors.artifactMissing(cache, producer(tag));
  const owned = deps.reader
    ? undefined
    : gitRepoReader(cache, { from: release.from.commit, to: release.to.commit });
  const reader = deps.reader ?? owned!;
  try {
    return await analyzeWith({ config, id, tag, paths, release, files: files.files, reader, options, deps });
  } finally {
    owned?.close();
  }
}

interface AnalysisInput {
  config: ResolvedConfig;
  id: string;
  tag: string;
  paths: ArtifactPaths;
  release: ReleaseArtifact;
  files: ChangedFile[];
  reader: RepoReader;
  options: AnalyzeOptions;
  deps: AnalyzeDeps;
}

/**
 * The anchors of the upstream at `from`, or undefined (noted) when they cannot be had; `unread` says
 * which upstream files were not searched (for the coverage notes).
 */
async function anchorsOf(input: AnalysisInput): Promise<{ anchors?: Anchor[]; unread?: string }> {
  const { config, id, release, deps } = input;
  if (!deps.anchors) return {};
  try {
    const found = await deps.anchors({ config, upstream: id, from: release.from.tag });
    deps.onNote?.(
      `${id}: ${found.anchors.length} anchors of ${config.downstream.path} at ${release.from.tag}`,
    );
    const unread = unreadNote(found);
    if (unread) deps.onNote?.(unread);
    return { anchors: found.anchors, ...(unread ? { unread } : {}) };
  } catch (error) {
    deps.onNote?.(
      `${id}: no anchors from ${config.downstream.path} (${(error as Error).message.split('\n')[0]}); scanning without them`,
    );
    return {};
  }
}

async function analyzeWith(input: AnalysisInput): Promise<AnalyzeResult> {
  const { config, id, tag, paths, release, reader, options, deps } = input;
  const upstream = getUpstream(config, id);
  const { anchors, unread } = await anchorsOf(input);
  const downstream = downstreamReader(config.downstream.path);

  const scan = await scanDiff({
    patchFile: paths.patch,
    files: input.files,
    upstream,
    reader,
    anchors,
    downstream,
    maxChars: config.context.maxChars,
  });
  const scanned = await verifyFindings(scan.findings, reader, downstream);
  const { text: contextText, coverage: contextCoverage } = scan.context.render({
    upstreamId: id,
    upstream,
    release,
    findings: scanned.findings,
  });
  const coverage: Analysis['coverage'] = {
    filesChanged: contextCoverage.filesChanged,
    filesInContext: contextCoverage.filesInContext,
    surfacesTouched: contextCoverage.surfacesTouched,
    truncated: contextCoverage.truncated,
  };
  const notes = [
    ...(scan.unparsed.length > 0 ? [unparsedNote(scan.unparsed)] : []),
    ...(unread ? [unread] : []),
  ];
  if (notes.length > 0) coverage.notes = notes;

  const kind = options.agent ?? config.agent.kind;
  let findings = scanned.findings;
  let problems = scanned.problems;
  let agent: Analysis['agent'] = { kind: 'none', durationMs: 0, tokens: 0, cost: 0 };
  let summary = scannerSummary(findings, coverage);
  let agentImpact: Severity = 'none';
  if (kind === 'opencode') {
    const rawDir = join(paths.dir, 'agent');
    // The agent reads a staged copy: context.md itself is replaced only when the analysis succeeds.
    const stagedContext = join(rawDir, 'context.md');
    await writeFileAtomically(stagedContext, contextText);
    const result = await runAgent(deps, id, tag, rawDir, {
      ...agentPreflightInput(config, options.model),
      worktree: await deps.prepareWorktree({ config, upstream: id, tag, commit: release.to.commit }),
      contextFile: stagedContext,
      variant: config.agent.variant,
      timeoutMs: config.agent.timeout,
      rawDir,
      title: `release-watch ${id} ${tag}`,
      onNote: deps.onNote,
    });
    const agentFindings: Finding[] = result.output.findings.map((f) => ({
      ...f,
      source: 'agent',
      verified: false,
    }));
    const merged = await verifyFindings(mergeFindings(scanned.findings, agentFindings), reader, downstream);
    findings = merged.findings;
    problems = merged.problems;
    summary = result.output.summary;
    agentImpact = result.output.impact;
    agent = {
      kind: 'opencode',
      ...(result.model ? { model: result.model } : {}),
      durationMs: result.durationMs,
      tokens: result.tokens,
      cost: result.cost,
      ...(result.adjustments?.length ? { adjustments: result.adjustments } : {}),
    };
    for (const adjustment of result.adjustments ?? []) deps.onNote?.(`${id}: agent answer: ${adjustment}`);
  }

  // Impact is proven, not claimed: only verified findings count (the agent's own verdict is noted).
  const impact = maxSeverity(findings.filter((f) => f.verified).map((f) => f.severity));
  if (severityRank(agentImpact) > severityRank(impact))
    coverage.notes = [
      ...(coverage.notes ?? []),
      `The agent judged the impact ${agentImpact}; the verified findings support ${impact}.`,
    ];
  const analysis: Analysis = analysisSchema.parse({
    schemaVersion: 1,
    upstream: { id, repo: upstream.repo, from: release.from.tag, to: release.to.tag },
    impact,
    summary,
    findings: sortBySeverity(findings),
    coverage,
    agent,
  });
  // context.md and analysis.json change together or not at all, keeping the diff stage's files.
  const batch = await ReleaseBatch.open(paths.dir);
  try {
    await batch.write(paths.context, contextText);
    await batch.writeJson(paths.analysis, analysis);
    await batch.commit();
  } catch (error) {
    await batch.discard();
    throw error;
  }
  for (const p of problems) deps.onNote?.(`unverified ${p.finding}: ${p.problem}`);
  return {
    upstream: id,
    from: release.from.tag,
    tag,
    path: paths.analysis,
    context: paths.context,
    impact: analysis.impact,
    findings: {
      total: findings.length,
      bySeverity: countBySeverity(findings.map((f) => f.severity)),
      bySource: {
        scanner: findings.filter((f) => f.source === 'scanner').length,
        agent: findings.filter((f) => f.source === 'agent').length,
      },
      unverified: findings.filter((f) => !f.verified).length,
      list: analysis.findings.map(({ id, severity, title, verified }) => ({ id, severity, title, verified })),
    },
    coverage,
    agent,
    unverified: problems,
  };
}

/** Runs the agent; any failure (throw, invalid answer) becomes AGENT_FAILED naming where the raw output is. */
async function runAgent(
  deps: AnalyzeDeps,
  id: string,
  tag: string,
  rawDir: string,
  input: Parameters<AgentRunner>[0],
): Promise<AgentRunResult> {
  let result: AgentRunResult;
  try {
    result = await deps.agentRunner(input);
  } catch (error) {
    // The runner's own coded errors (AGENT_TIMEOUT, AGENT_NOT_LOADED, ...) already name the raw output folder.
    if (isReleaseWatchError(error)) throw error;
    throw Errors.agentFailed(id, tag, rawDir, (error as Error).message, error);
  }
  const parsed = agentOutputSchema.safeParse(result?.output);
  if (!parsed.success) {
    const problems = formatZodIssues(parsed.error);
    throw Errors.agentFailed(id, tag, rawDir, `its answer does not fit the schema (${problems.join('; ')})`);
  }
  return { ...result, output: parsed.data };
}
