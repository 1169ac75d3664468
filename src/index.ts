/** The library API of release-watch: config, schemas, types and the stage functions. */

export {
  createOpenCodeRunner,
  type OpenCodeRunnerOptions,
  openCodeRunner,
} from './analysis/agent/opencode.js';
export type {
  AgentRunInput,
  AgentRunner,
  AgentRunResult,
} from './analysis/agent/types.js';
export { ContextBuilder, type ContextCoverage } from './analysis/context.js';
export { evidenceProblem, mergeFindings, verifyFindings } from './analysis/evidence.js';
export { scanDiff } from './analysis/pass.js';
export { classify } from './analysis/patch/classify.js';
export { type FileDiff, type Hunk, numberedLines, streamPatch } from './analysis/patch/patch.js';
export { findingId, RULES } from './analysis/scanners/index.js';
export { SEVERITY } from './analysis/scanners/severity.js';
export type {
  AnyRule,
  ChangedFileView,
  Observation,
  Rule,
  RuleRun,
  ScanContext,
} from './analysis/scanners/types.js';
export {
  type AgentOutput,
  type Analysis,
  agentOutputSchema,
  analysisSchema,
  type Evidence,
  evidenceSchema,
  type Finding,
  findingSchema,
  jsonSchemas,
} from './analysis/schema.js';
export {
  type AnalyzeDeps,
  type AnalyzeOptions,
  type AnalyzeResult,
  analyzeRelease,
  newestAnalyzableTag,
} from './analysis/service.js';
export type { DiffRequest, DiffStage, WorktreeStage } from './analysis/types.js';
export { ARTIFACT_FILES, artifactPaths } from './artifacts/paths.js';
export {
  type ChangedFile,
  changedFileSchema,
  type FilesArtifact,
  filesArtifactSchema,
  type ReleaseArtifact,
  releaseArtifactSchema,
} from './artifacts/schema.js';
export { createProgress, type Progress, type ProgressOptions } from './cli/progress.js';
export { loadConfig, parseConfig, type ResolvedConfig } from './config/load.js';
export {
  type Config,
  type ConfigInput,
  configSchema,
  defineConfig,
  SEVERITIES,
  type Severity,
  type UpstreamConfig,
} from './config/schema.js';
export { compileTagPattern, type TagPattern } from './config/tag-pattern.js';
export { selectUpstream } from './config/upstreams.js';
export { openUpstreamCache } from './diff/cache.js';
export { type DiffOptions, type DiffResult, diffRelease } from './diff/service.js';
export { Errors, ExitCode, ReleaseWatchError } from './errors.js';
export type { UpstreamCache } from './git/cache.js';
export {
  gitRepoReader,
  isSafeRepoPath,
  type RepoReader,
  readFileAtRef,
  readFilesAtRef,
} from './git/reader.js';
export { ensureWorktree, removeWorktree, worktreePath } from './git/worktree.js';
export { type InitOptions, type InitResult, initProject } from './init/service.js';
export { fingerprintOf } from './report/markers.js';
export {
  cutText,
  defangLinks,
  defangReferences,
  fitBody,
  GITHUB_BODY_LIMIT,
  sanitizeInline,
  sanitizeMarkdown,
  sanitizeText,
  stripHtmlComments,
  stripInvisible,
  ZWSP,
} from './report/sanitize.js';
export { type ReportDeps, type ReportOptions, reportRelease } from './report/service.js';
export type { FindingAction, FindingOutcome, ReportResult } from './report/types.js';
export {
  type CheckOptions,
  type CheckStatus,
  checkExitCode,
  checkOutputs,
  checkUpstreams,
  type UpstreamCheck,
  upstreamsWithUpdates,
} from './sources/check.js';
export { createSourceDeps, type SourceDepsOptions } from './sources/deps.js';
export { listReleases, pendingReleases, selectReleases } from './sources/index.js';
export { type ListOptions, type Release, releaseSchema, type SourceDeps } from './sources/types.js';
export { resetState, setState, showState } from './state/service.js';
export { readState, type State, stateSchema, type UpstreamState, writeState } from './state/store.js';
