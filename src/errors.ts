import { redactDeep, redactSecrets } from './util/redact.js';
import { escapeUnsafe as escapeTag } from './util/unsafe-text.js';

/** Who holds a lock, as its owner file says. */
interface LockHolderInfo {
  pid: number;
  hostname: string;
  since: string;
}

const lockedMessage = (
  what: string,
  file: string,
  lockPath: string,
  holder: LockHolderInfo | undefined,
  waitedMs: number,
) =>
  `The ${what} ${file} is locked by ${holder ? `process ${holder.pid} on ${holder.hostname} (since ${holder.since})` : 'another process'}; gave up after waiting ${Math.round(waitedMs / 1000)}s. Lock: ${lockPath}.`;

/** Exit codes: 1 = a stage failed, 2 = bad input (usage, config, state), 3 = an upstream/GitHub/agent fault. */
export const ExitCode = { failure: 1, usage: 2, external: 3 } as const;

/** Every code the CLI can exit with; README's error table lists them. */
export const ERROR_CODES = [
  'AGENT_DEFINITION_MISSING',
  'AGENT_FAILED',
  'AGENT_MODEL_MISSING',
  'AGENT_NOT_INSTALLED',
  'AGENT_NOT_LOADED',
  'AGENT_OUTPUT_INVALID',
  'AGENT_RUN_FAILED',
  'AGENT_TIMEOUT',
  'ARTIFACT_INVALID',
  'ARTIFACT_MISSING',
  'CHECK_FAILED',
  'CONFIG_INVALID',
  'CONFIG_LOAD_FAILED',
  'CONFIG_MODULE_MISSING',
  'CONFIG_NOT_FOUND',
  'CONFIG_THREW',
  'DEMO_DIR_NOT_EMPTY',
  'DEMO_FAILED',
  'DOWNSTREAM_NOT_A_REPOSITORY',
  'DISK_FULL',
  'DOWNSTREAM_REPO_MISSING',
  'EMPTY_RANGE',
  'FILE_ACCESS_DENIED',
  'GITHUB_OUTPUT_NOT_SET',
  'GITHUB_RATE_LIMITED',
  'GITHUB_RESPONSE_INVALID',
  'GITHUB_REQUEST_FAILED',
  'GITHUB_TOKEN_MISSING',
  'GIT_LS_REMOTE_FAILED',
  'INIT_CANCELLED',
  'INIT_CONFIG_INVALID',
  'INIT_DIR_MISSING',
  'INIT_FILES_EXIST',
  'INIT_INPUT_MISSING',
  'INIT_OTHER_CONFIG',
  'INIT_UPSTREAM_INVALID',
  'INVALID_REF',
  'NETWORK_TIMEOUT',
  'NOTHING_TO_REPORT',
  'NO_BASE_RELEASE',
  'NO_PENDING_RELEASE',
  'NO_RELEASE_FOR_ANCHORS',
  'NO_RELEASES',
  'NPM_REGISTRY_FAILED',
  'NPM_TAG_PATTERN',
  'PACKAGE_FILE_MISSING',
  'STATE_TAG_MISMATCH',
  'STATE_UNREADABLE',
  'STATE_VERSION_UNSUPPORTED',
  'TAG_AMBIGUOUS',
  'TAG_MATCHES_NO_UPSTREAM',
  'TAG_NOT_FOUND',
  'TAG_PATTERN_MISMATCH',
  'TIMEOUT_SETTING_INVALID',
  'UNKNOWN_UPSTREAM',
  'UPSTREAM_FETCH_FAILED',
  'UPSTREAM_REQUIRED',
  'UPSTREAM_TREE_UNSAFE',
  'UNEXPECTED',
  'STATE_LOCKED',
  'ARTIFACTS_LOCKED',
  'LOCK_LOST',
  'TAG_UNSAFE_CHARACTERS',
  'USAGE_INVALID',
  'COMMAND_NOT_FOUND',
  'NETWORK_UNREACHABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ReleaseWatchErrorOptions {
  code: ErrorCode;
  message: string;
  suggestion?: string;
  exitCode?: number;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** An error the user can act on: rendered in one place by the base command, as text or JSON. */
export class ReleaseWatchError extends Error {
  readonly code: ErrorCode;
  readonly suggestion?: string;
  readonly exitCode: number;
  readonly details?: Record<string, unknown>;

  constructor(options: ReleaseWatchErrorOptions) {
    // Redacted here, so no coded error can carry a token to the terminal, --json or an artifact.
    super(redactSecrets(options.message), { cause: options.cause });
    this.name = 'ReleaseWatchError';
    this.code = options.code;
    this.suggestion = options.suggestion === undefined ? undefined : redactSecrets(options.suggestion);
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.details = options.details === undefined ? undefined : redactDeep(options.details);
  }

  toJSON() {
    return {
      code: this.code,
      message: this.message,
      suggestion: this.suggestion,
      exitCode: this.exitCode,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const isReleaseWatchError = (error: unknown): error is ReleaseWatchError =>
  error instanceof ReleaseWatchError;

const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : '(none)');

const SEEN_SHOWN = 5;
/** A few of the tags a source listed, so a wrong pattern shows what it should have matched. */
const tagsSeen = (seen: readonly string[]) =>
  seen.length === 0
    ? 'The source listed no tags at all.'
    : `Tags seen (${seen.length}): ${seen.slice(0, SEEN_SHOWN).join(', ')}${seen.length > SEEN_SHOWN ? ', …' : ''}.`;

interface ReleasesRequestFailure {
  during: 'releases';
  id: string;
  repo: string;
  status: number;
  reason: string;
  authenticated: boolean;
  cause?: unknown;
}

interface ReportRequestFailure {
  during: 'report';
  upstream: string;
  tag: string;
  repo: string;
  action: string;
  status?: number;
  reason: string;
  filed: readonly number[];
  lastReviewed: string | null;
}

function releasesRequestFailed({ id, repo, status, reason, authenticated, cause }: ReleasesRequestFailure) {
  return new ReleaseWatchError({
    code: 'GITHUB_REQUEST_FAILED',
    message: `GitHub answered ${status} while listing the releases of ${repo} (upstream "${id}"): ${reason}`,
    suggestion:
      status === 404
        ? `Check upstreams.${id}.repo${authenticated ? '' : '; a private repository needs GITHUB_TOKEN or GH_TOKEN'}, or use source: 'git-tags'.`
        : status === 401
          ? 'The token in GITHUB_TOKEN / GH_TOKEN was refused: renew it, or unset it for public repositories.'
          : "GitHub may be having trouble: try again later, or use source: 'git-tags' (no API).",
    exitCode: ExitCode.external,
    details: { upstream: id, repo, status },
    cause,
  });
}

function reportRequestFailed(options: ReportRequestFailure) {
  const { upstream, tag, status } = options;
  const filed =
    options.filed.length > 0
      ? ` Filed before the failure: ${options.filed.map((n) => `#${n}`).join(', ')}.`
      : '';
  const rerun = `re-run \`release-watch report --upstream ${upstream} --tag ${tag}\`: issues already filed are recognised by their marker, so nothing is filed twice.`;
  const suggestion =
    status === 401
      ? 'The token was refused: check GITHUB_TOKEN / GH_TOKEN.'
      : status === 403 || status === 404
        ? `Check that ${options.repo} exists and that the token may read and write its issues (in Actions: \`permissions: issues: write\`); then ${rerun}`
        : `GitHub may be having trouble; ${rerun}`;
  return new ReleaseWatchError({
    code: 'GITHUB_REQUEST_FAILED',
    message:
      `GitHub failed while ${options.action} (${status ? `HTTP ${status}` : 'no answer'}: ${options.reason}).${filed} ` +
      `The state of "${upstream}" was left at ${options.lastReviewed ?? '(never reviewed)'}.`,
    suggestion,
    exitCode: ExitCode.external,
    details: { upstream, tag, repo: options.repo, status, filed: options.filed },
  });
}

/** The catalogue: every coded error the CLI raises, with what to do about it. */
export const Errors = {
  /** No config found by searching upward, or the file given with --config does not exist. */
  configNotFound: (where: { searchedFrom: string; places: readonly string[] } | { file: string }) =>
    new ReleaseWatchError({
      code: 'CONFIG_NOT_FOUND',
      message:
        'file' in where
          ? `Config file ${where.file} does not exist.`
          : `No release-watch config found in ${where.searchedFrom} or any parent folder (looked for ${where.places.join(', ')}).`,
      suggestion:
        'file' in where
          ? 'Check the --config path, or run `release-watch init` to create a config.'
          : 'Run `release-watch init` to create release-watch.config.ts, or pass --config PATH.',
      exitCode: ExitCode.usage,
    }),
  configLoad: (file: string, reason: string, cause?: unknown) =>
    new ReleaseWatchError({
      code: 'CONFIG_LOAD_FAILED',
      message: `Could not load config ${file}: ${reason}`,
      suggestion: 'Fix the syntax error in the config file; it must export the config as its default export.',
      exitCode: ExitCode.usage,
      cause,
    }),
  configInvalid: (file: string, problems: readonly string[]) =>
    new ReleaseWatchError({
      code: 'CONFIG_INVALID',
      message: `Invalid config in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      suggestion: 'Fix the keys listed above; see the configuration reference in the README.',
      exitCode: ExitCode.usage,
      details: { file, problems },
    }),
  unknownUpstream: (id: string, known: readonly string[]) =>
    new ReleaseWatchError({
      code: 'UNKNOWN_UPSTREAM',
      message: `Unknown upstream "${id}". Known upstreams: ${list(known)}.`,
      suggestion: 'Use one of the upstream IDs from the config, or add it under `upstreams`.',
      exitCode: ExitCode.usage,
      details: { id, known },
    }),
  tagMatchesNoUpstream: (tag: string, patterns: Readonly<Record<string, string>>) =>
    new ReleaseWatchError({
      code: 'TAG_MATCHES_NO_UPSTREAM',
      message: `Tag "${tag}" matches no upstream's tag pattern (${list(
        Object.entries(patterns).map(([id, pattern]) => `${id}: ${pattern}`),
      )}).`,
      suggestion: 'Pass --upstream ID, or check the tag name.',
      exitCode: ExitCode.usage,
    }),
  tagMatchesManyUpstreams: (tag: string, matches: readonly string[]) =>
    new ReleaseWatchError({
      code: 'TAG_AMBIGUOUS',
      message: `Tag "${tag}" matches the tag pattern of several upstreams: ${list(matches)}.`,
      suggestion: 'Pass --upstream ID to choose one.',
      exitCode: ExitCode.usage,
    }),
  tagPatternMismatch: (id: string, tag: string, pattern: string) =>
    new ReleaseWatchError({
      code: 'TAG_PATTERN_MISMATCH',
      message: `Tag "${tag}" does not match upstream "${id}"'s tag pattern ${pattern}.`,
      suggestion: 'Check the tag name, or pass --force to record it anyway.',
      exitCode: ExitCode.usage,
    }),
  invalidRef: (ref: string, reason: string) =>
    new ReleaseWatchError({
      code: 'INVALID_REF',
      message: `Refusing ref "${ref}": ${reason}.`,
      suggestion: 'Pass a plain release tag name such as v1.2.3 or rust-v0.139.0.',
      exitCode: ExitCode.usage,
    }),
  stateUnreadable: (file: string, reason: string) =>
    new ReleaseWatchError({
      code: 'STATE_UNREADABLE',
      message: `State file ${file} cannot be read: ${reason}. It was left as it is.`,
      suggestion:
        'Restore it from git (`git checkout -- <file>`), fix it by hand, or move it away to start over (every upstream then counts as never reviewed).',
      exitCode: ExitCode.usage,
    }),
  stateVersion: (file: string, version: unknown) =>
    new ReleaseWatchError({
      code: 'STATE_VERSION_UNSUPPORTED',
      message: `State file ${file} has version ${JSON.stringify(version)}; this release-watch reads version 1. It was left as it is.`,
      suggestion: 'Upgrade release-watch (`npm i -D release-watch@latest`), or restore the file from git.',
      exitCode: ExitCode.usage,
    }),
  artifactMissing: (file: string, producer: string) =>
    new ReleaseWatchError({
      code: 'ARTIFACT_MISSING',
      message: `Artifact ${file} does not exist.`,
      suggestion: `Run \`release-watch ${producer}\` first.`,
      exitCode: ExitCode.usage,
    }),
  artifactInvalid: (file: string, problems: readonly string[]) =>
    new ReleaseWatchError({
      code: 'ARTIFACT_INVALID',
      message: `Artifact ${file} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      suggestion: 'Re-run the stage that writes it.',
      exitCode: ExitCode.failure,
    }),
  /** GitHub failed while check listed an upstream's releases, or while report read or filed issues. */
  githubRequestFailed: (failure: ReleasesRequestFailure | ReportRequestFailure) =>
    failure.during === 'report' ? reportRequestFailed(failure) : releasesRequestFailed(failure),
  githubRateLimited: (id: string, repo: string, authenticated: boolean, cause?: unknown) =>
    new ReleaseWatchError({
      code: 'GITHUB_RATE_LIMITED',
      message: `GitHub's API rate limit stopped listing the releases of ${repo} (upstream "${id}").`,
      suggestion: authenticated
        ? "Wait for the limit to reset, or use source: 'git-tags' (no API rate limit)."
        : "Set GITHUB_TOKEN or GH_TOKEN for a higher limit, wait for it to reset, or use source: 'git-tags'.",
      exitCode: ExitCode.external,
      details: { upstream: id, repo },
      cause,
    }),
  gitTagsFailed: (id: string, url: string, reason: string, cause?: unknown) =>
    new ReleaseWatchError({
      code: 'GIT_LS_REMOTE_FAILED',
      message: `Could not list the tags of ${url} (upstream "${id}"): ${reason}`,
      suggestion: `Check that the repository exists and can be read without credentials, or set upstreams.${id}.url.`,
      exitCode: ExitCode.external,
      details: { upstream: id, url },
      cause,
    }),
  npmRegistryFailed: (
    id: string,
    name: string,
    registry: string,
    reason: string,
    status?: number,
    cause?: unknown,
  ) =>
    new ReleaseWatchError({
      code: 'NPM_REGISTRY_FAILED',
      message: `Could not read npm package ${name} from ${registry} (upstream "${id}"): ${reason}`,
      suggestion:
        status === 404
          ? `Check upstreams.${id}.npm, and the registry and scope settings in your .npmrc / npm config.`
          : 'Check the registry, auth and proxy settings in your .npmrc / npm config, or try again later.',
      exitCode: ExitCode.external,
      details: { upstream: id, package: name, registry, ...(status ? { status } : {}) },
      cause,
    }),
  npmTagPatternNotInvertible: (id: string, pattern: string) =>
    new ReleaseWatchError({
      code: 'NPM_TAG_PATTERN',
      message: `Upstream "${id}" reads releases from npm, but its tag pattern ${pattern} cannot turn a version into a tag.`,
      suggestion: `Give upstreams.${id}.tags as a glob that starts with the literal tag prefix, like 'rust-v*' or 'v[0-9]*'.`,
      exitCode: ExitCode.usage,
      details: { upstream: id, pattern },
    }),
  noReleases: (id: string, where: string, pattern: string, prereleases: boolean, seen: readonly string[]) =>
    new ReleaseWatchError({
      code: 'NO_RELEASES',
      message: `No release of ${where} (upstream "${id}") matches tag pattern ${pattern}${prereleases ? '' : ' (prereleases excluded)'}. ${tagsSeen(seen)}`,
      suggestion: `Check upstreams.${id}.tags and upstreams.${id}.source${prereleases ? '' : ', or set prereleases: true'}.`,
      exitCode: ExitCode.usage,
      details: { upstream: id, pattern, seen: seen.slice(0, SEEN_SHOWN) },
    }),
  lastReviewedMismatch: (id: string, tag: string, pattern: string) =>
    new ReleaseWatchError({
      code: 'STATE_TAG_MISMATCH',
      message: `The last reviewed tag "${tag}" of upstream "${id}" does not fit its tag pattern ${pattern}, so newer releases cannot be told apart.`,
      suggestion: `Run \`release-watch state set ${id} <tag>\` with a tag that fits, or \`release-watch state reset ${id}\`.`,
      exitCode: ExitCode.usage,
      details: { upstream: id, tag, pattern },
    }),
  githubOutputMissing: () =>
    new ReleaseWatchError({
      code: 'GITHUB_OUTPUT_NOT_SET',
      message: '--github-output was given but GITHUB_OUTPUT is not set.',
      suggestion: 'Run inside a GitHub Actions step, or set GITHUB_OUTPUT to the file to write.',
      exitCode: ExitCode.usage,
    }),
  checkFailed: (id: string, reason: string, cause?: unknown) =>
    new ReleaseWatchError({
      code: 'CHECK_FAILED',
      message: `Checking upstream "${id}" failed: ${reason}`,
      suggestion: 'Re-run with the same config; if it fails again, report it with this message.',
      exitCode: ExitCode.failure,
      details: { upstream: id },
      cause,
    }),
  initUpstreamInvalid: (spec: string, reason: string) =>
    new ReleaseWatchError({
      code: 'INIT_UPSTREAM_INVALID',
      message: `Cannot read upstream "${spec}": ${reason}.`,
      suggestion: 'Write upstreams as ID=OWNER/NAME:TAG-PATTERN, e.g. --upstream codex=openai/codex:rust-v*.',
      exitCode: ExitCode.usage,
    }),
  initInputMissing: (what: string, flag: string) =>
    new ReleaseWatchError({
      code: 'INIT_INPUT_MISSING',
      message: `\`release-watch init\` needs ${what}, and cannot ask for it (--yes was given, or stdin is not a terminal).`,
      suggestion: `Pass ${flag}, or run init in a terminal without --yes to be asked.`,
      exitCode: ExitCode.usage,
    }),
  initFilesExist: (dir: string, files: readonly string[]) =>
    new ReleaseWatchError({
      code: 'INIT_FILES_EXIST',
      message: `These files already exist in ${dir}: ${files.join(', ')}. Nothing was written.`,
      suggestion:
        'Pass --force to overwrite them (the state file keeps the last-reviewed tags it has), or move them away first.',
      exitCode: ExitCode.usage,
      details: { dir, files },
    }),
  initOtherConfig: (file: string, written: string) =>
    new ReleaseWatchError({
      code: 'INIT_OTHER_CONFIG',
      message: `${file} is already a release-watch config, and it would be used instead of the ${written} that init writes. Nothing was written.`,
      suggestion: 'Edit that config instead, or remove it and run init again.',
      exitCode: ExitCode.usage,
    }),
  initConfigInvalid: (file: string, problems: readonly string[]) =>
    new ReleaseWatchError({
      code: 'INIT_CONFIG_INVALID',
      message: `The config init would write to ${file} is invalid, so nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      suggestion: 'Fix the --upstream, --downstream or --model values named above.',
      exitCode: ExitCode.usage,
      details: { file, problems },
    }),
  initDirMissing: (dir: string) =>
    new ReleaseWatchError({
      code: 'INIT_DIR_MISSING',
      message: `${dir} is not a folder.`,
      suggestion:
        'Pass --dir with the path of the repository to set up (it must exist), or run init inside it.',
      exitCode: ExitCode.usage,
    }),
  initCancelled: () =>
    new ReleaseWatchError({
      code: 'INIT_CANCELLED',
      message: 'init was cancelled; nothing was written.',
      suggestion: 'Run `release-watch init` again, or pass the answers as flags with --yes.',
      exitCode: ExitCode.failure,
    }),
  packageFileMissing: (file: string) =>
    new ReleaseWatchError({
      code: 'PACKAGE_FILE_MISSING',
      message: `${file}, which the release-watch package ships, is missing.`,
      suggestion: 'Reinstall release-watch (`npm i -D release-watch`).',
      exitCode: ExitCode.failure,
    }),
  nothingToReport: (upstream: string, lastReviewed: string | null, dir: string) =>
    new ReleaseWatchError({
      code: 'NOTHING_TO_REPORT',
      message: `No analyzed release of upstream "${upstream}" newer than ${lastReviewed ?? '(never reviewed)'} in ${dir}.`,
      suggestion: `Run \`release-watch analyze --upstream ${upstream}\` first, or pass --tag TAG to report an analyzed release again.`,
      exitCode: ExitCode.usage,
    }),
  downstreamRepoMissing: (configFile: string) =>
    new ReleaseWatchError({
      code: 'DOWNSTREAM_REPO_MISSING',
      message: `No downstream repository to file issues in: ${configFile} sets no downstream.repo and GITHUB_REPOSITORY is not set.`,
      suggestion:
        'Set `downstream: { repo: "owner/name" }` in the config, or run in GitHub Actions (it sets GITHUB_REPOSITORY).',
      exitCode: ExitCode.usage,
    }),
  githubTokenMissing: (repo: string) =>
    new ReleaseWatchError({
      code: 'GITHUB_TOKEN_MISSING',
      message: `No GitHub token to file issues in ${repo} with.`,
      suggestion:
        'Set GITHUB_TOKEN or GH_TOKEN to a token that may write issues in that repository (in Actions: `permissions: issues: write`), or pass --dry-run.',
      exitCode: ExitCode.usage,
    }),
  reportUpstreamAmbiguous: (pending: readonly string[]) =>
    new ReleaseWatchError({
      code: 'UPSTREAM_REQUIRED',
      message: `Several upstreams have analyzed releases to report: ${list(pending)}.`,
      suggestion:
        'Pass --upstream ID or --tag TAG to choose one, or use `release-watch run` for all of them.',
      exitCode: ExitCode.usage,
    }),
  tagNotFound: (upstream: string, tag: string, url: string, near: readonly string[]) =>
    new ReleaseWatchError({
      code: 'TAG_NOT_FOUND',
      message: `Tag "${tag}" does not exist in upstream "${upstream}" (${url}).${near.length > 0 ? ` Closest tags: ${near.join(', ')}.` : ''}`,
      suggestion: 'Check the spelling; `release-watch check` lists the releases it sees.',
      exitCode: ExitCode.usage,
      details: { upstream, tag, near },
    }),
  noPendingRelease: (upstream: string, lastReviewed: string | null) =>
    new ReleaseWatchError({
      code: 'NO_PENDING_RELEASE',
      message: `Upstream "${upstream}" has no release newer than ${lastReviewed ?? '(no releases found)'}: nothing to diff.`,
      suggestion: 'Pass --to TAG (and --from TAG) to diff a release that was already reviewed.',
      exitCode: ExitCode.usage,
    }),
  noBaseRelease: (upstream: string, to: string) =>
    new ReleaseWatchError({
      code: 'NO_BASE_RELEASE',
      message: `Upstream "${upstream}" has no release before ${to} to compare it with.`,
      suggestion: 'Pass --from TAG to choose the tag to compare against.',
      exitCode: ExitCode.usage,
    }),
  emptyRange: (upstream: string, tag: string) =>
    new ReleaseWatchError({
      code: 'EMPTY_RANGE',
      message: `Upstream "${upstream}": --from and --to are both ${tag}; there is nothing to compare.`,
      suggestion: 'Pass a different --from or --to tag.',
      exitCode: ExitCode.usage,
    }),
  upstreamFetch: (upstream: string, url: string, reason: string) =>
    new ReleaseWatchError({
      code: 'UPSTREAM_FETCH_FAILED',
      message: `Could not fetch upstream "${upstream}" from ${url}: ${reason}`,
      suggestion:
        'Check the upstream `repo`/`url` in the config and the network; a partial clone needs a server that allows `--filter` (GitHub does; for file:// set uploadpack.allowFilter=true).',
      exitCode: ExitCode.external,
    }),
  agentFailed: (upstream: string, tag: string, rawDir: string, reason: string, cause?: unknown) =>
    new ReleaseWatchError({
      code: 'AGENT_FAILED',
      message: `The agent failed on ${upstream} ${tag}: ${reason}. analysis.json was not written and earlier files were left as they were; the raw agent output is kept in ${rawDir}.`,
      suggestion: `Look at the raw output, then re-run \`release-watch analyze --upstream ${upstream} --tag ${tag}\`, or pass --agent none for the scanners alone.`,
      exitCode: ExitCode.external,
      details: { upstream, tag, rawDir },
      cause,
    }),
  demoDirNotEmpty: (dir: string, entries: readonly string[]) =>
    new ReleaseWatchError({
      code: 'DEMO_DIR_NOT_EMPTY',
      message: `${dir} is not empty (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''}) and holds no earlier demo; the demo builds its files only in an empty folder or over its own earlier run.`,
      suggestion: 'Pass a new or empty folder to --dir, or leave --dir out for a temp folder.',
      exitCode: ExitCode.usage,
    }),
  demoFailed: (dir: string) =>
    new ReleaseWatchError({
      code: 'DEMO_FAILED',
      message: `The demo pipeline failed; its files are in ${dir}.`,
      suggestion: 'Check that git is installed and on PATH, then run `npm run demo` again.',
      exitCode: ExitCode.failure,
    }),
  agentNotInstalled: (searched: string) =>
    new ReleaseWatchError({
      code: 'AGENT_NOT_INSTALLED',
      message: `The opencode program was not found (${searched || 'PATH is empty'}), nor in an installed npm package opencode-ai.`,
      suggestion:
        'Install OpenCode (`npm i -D opencode-ai` in this project, or see https://opencode.ai), or pass --agent none to run the scanners alone.',
      exitCode: ExitCode.usage,
    }),
  agentDefinitionMissing: (agent: string, configDir: string) =>
    new ReleaseWatchError({
      code: 'AGENT_DEFINITION_MISSING',
      message: `The OpenCode agent "${agent}" is not defined: neither ${configDir}/agent/${agent}.md nor ${configDir}/agents/${agent}.md exists.`,
      suggestion:
        'Run `release-watch init` to add .opencode/agent/release-impact.md, or set agent.name to an agent defined there.',
      exitCode: ExitCode.usage,
    }),
  agentNotLoaded: (agent: string, rawDir: string) =>
    new ReleaseWatchError({
      code: 'AGENT_NOT_LOADED',
      message: `OpenCode did not load the agent "${agent}" and fell back to its default agent, which is not read-only; its answer was discarded. Raw output: ${rawDir}.`,
      suggestion: `Check the frontmatter of .opencode/agent/${agent}.md (valid YAML, \`mode: primary\`), then re-run.`,
      exitCode: ExitCode.usage,
      details: { agent, rawDir },
    }),
  agentTimeout: (agent: string, timeoutMs: number, rawDir: string) =>
    new ReleaseWatchError({
      code: 'AGENT_TIMEOUT',
      message: `The OpenCode agent "${agent}" did not finish within ${Math.round(timeoutMs / 1000)}s and was stopped with everything it started. Raw output: ${rawDir}.`,
      suggestion:
        'Raise agent.timeout in the config (e.g. "30m"), use a faster model (--model), or pass --agent none.',
      exitCode: ExitCode.external,
      details: { agent, timeoutMs, rawDir },
    }),
  agentModelMissing: (agent: string) =>
    new ReleaseWatchError({
      code: 'AGENT_MODEL_MISSING',
      message: `No model is configured for the OpenCode agent "${agent}".`,
      suggestion:
        "Set agent.model in the config (e.g. 'opencode/big-pickle'; `release-watch init --model` writes it), pass --model, or --agent none for the scanners alone.",
      exitCode: ExitCode.usage,
    }),
  agentRunFailed: (agent: string, reason: string, rawDir: string) =>
    new ReleaseWatchError({
      code: 'AGENT_RUN_FAILED',
      message: `The OpenCode agent "${agent}" failed: ${reason}. Raw output: ${rawDir}.`,
      suggestion:
        'Check the model and its provider credentials (`opencode auth list`, `opencode models`), and the file named above.',
      exitCode: ExitCode.external,
      details: { agent, reason, rawDir },
    }),
  agentOutputInvalid: (agent: string, problems: readonly string[], rawDir: string) =>
    new ReleaseWatchError({
      code: 'AGENT_OUTPUT_INVALID',
      message: `The OpenCode agent "${agent}" gave no answer that fits the analysis schema, also after one repair turn:\n${problems
        .slice(0, 20)
        .map((p) => `  - ${p}`)
        .join('\n')}\nRaw output: ${rawDir}.`,
      suggestion:
        'Try a stronger model (--model), or check the output section of the agent file against schema/agent-output.schema.json.',
      exitCode: ExitCode.external,
      details: { agent, problems, rawDir },
    }),
  /** oclif refused the command line (unknown flag, missing argument, value not among the options). */
  usageInvalid: (command: string, reason: string, meant?: string) =>
    new ReleaseWatchError({
      code: 'USAGE_INVALID',
      message: `${command}: ${reason}`,
      suggestion: `${meant ? `Did you mean ${meant}? ` : ''}See \`${command} --help\` for its flags and arguments.`,
      exitCode: ExitCode.usage,
    }),
  commandNotFound: (bin: string, id: string, meant: string | undefined) =>
    new ReleaseWatchError({
      code: 'COMMAND_NOT_FOUND',
      message: `"${id}" is not a ${bin} command.`,
      suggestion: `${meant ? `Did you mean \`${bin} ${meant}\`? ` : ''}\`${bin} --help\` lists the commands.`,
      exitCode: ExitCode.usage,
      details: { command: id, ...(meant ? { didYouMean: meant } : {}) },
    }),
  /** The host did not answer at all (DNS, refused connection, TLS): not an HTTP status from it. */
  networkUnreachable: (options: {
    host: string;
    what: string;
    reason: string;
    attempts: number;
    cause?: unknown;
  }) =>
    new ReleaseWatchError({
      code: 'NETWORK_UNREACHABLE',
      message: `cannot reach ${options.host} (check the network, GITHUB_API_URL, proxy): ${options.reason} while ${options.what}, ${options.attempts === 1 ? 'no retry (it would fail the same way)' : `${options.attempts} attempts`}.`,
      suggestion: `Check the network and DNS, that GITHUB_API_URL / GITHUB_SERVER_URL name the right host, and the proxy (HTTPS_PROXY) if one is needed; then try again.`,
      exitCode: ExitCode.external,
      details: { host: options.host, reason: options.reason, attempts: options.attempts },
      cause: options.cause,
    }),
  /** Anything that is not a ReleaseWatchError: a bug or an unforeseen failure, kept with its message. */
  unexpected: (error: unknown) =>
    new ReleaseWatchError({
      code: 'UNEXPECTED',
      message: (error as Error)?.message ?? String(error),
      suggestion: 'This is likely a bug in release-watch: report it with the command and its output.',
      exitCode: ExitCode.failure,
      cause: error,
    }),
  downstreamNotRepository: (path: string, reason: string) =>
    new ReleaseWatchError({
      code: 'DOWNSTREAM_NOT_A_REPOSITORY',
      message: `The downstream checkout ${path} is not a git repository (${reason}); anchors are mined from its tracked files.`,
      suggestion:
        "Set downstream.path in the config to the downstream's git checkout (default: the folder holding the config file), or run `git init` there.",
      exitCode: ExitCode.usage,
      details: { path },
    }),
  noReleaseForAnchors: (upstream: string) =>
    new ReleaseWatchError({
      code: 'NO_RELEASE_FOR_ANCHORS',
      message: `Upstream "${upstream}" has no reviewed tag and no release to read its tree at.`,
      suggestion:
        'Pass --from TAG to check the anchors against that tag, or check the tag pattern with `release-watch check`.',
      exitCode: ExitCode.usage,
      details: { upstream },
    }),
  timeoutSettingInvalid: (variable: string, value: string) =>
    new ReleaseWatchError({
      code: 'TIMEOUT_SETTING_INVALID',
      message: `${variable}=${JSON.stringify(value)} is not a duration.`,
      suggestion: `Set ${variable} to a duration such as 90s or 5m, or unset it for the default.`,
      exitCode: ExitCode.usage,
    }),
  networkTimeout: (options: {
    upstream: string;
    /** Redacted. */
    url: string;
    what: string;
    timeoutMs: number;
    setting: string;
  }) =>
    new ReleaseWatchError({
      code: 'NETWORK_TIMEOUT',
      message: `${options.what} for upstream "${options.upstream}" got no answer from ${options.url} within ${Math.round(options.timeoutMs / 1000)}s; it was stopped.`,
      suggestion: `Check that ${options.url} is reachable (proxy, firewall, server status) and try again; on a slow link raise ${options.setting} (e.g. ${options.setting}=5m).`,
      exitCode: ExitCode.external,
      details: { upstream: options.upstream, url: options.url, timeoutMs: options.timeoutMs },
    }),
  githubResponseInvalid: (upstream: string, url: string, reason: string) =>
    new ReleaseWatchError({
      code: 'GITHUB_RESPONSE_INVALID',
      message: `GitHub's answer to ${url} (upstream "${upstream}") is not the JSON the API returns: ${reason}.`,
      suggestion:
        'Check GITHUB_API_URL (it must point at the REST API, e.g. https://HOST/api/v3 on GitHub Enterprise, not at a web page or a proxy login), then try again.',
      exitCode: ExitCode.external,
      details: { upstream, url },
    }),
  configModuleMissing: (file: string, specifier: string, cause?: unknown) =>
    new ReleaseWatchError({
      code: 'CONFIG_MODULE_MISSING',
      message: `Config ${file} imports "${specifier}", which cannot be found.`,
      suggestion: `Install it (\`npm i -D ${
        specifier.startsWith('.')
          ? '<package>'
          : specifier
              .split('/')
              .slice(0, specifier.startsWith('@') ? 2 : 1)
              .join('/')
      }\`) or fix the import path in the config.`,
      exitCode: ExitCode.usage,
      details: { file, module: specifier },
      cause,
    }),
  configThrew: (file: string, reason: string, cause?: unknown) =>
    new ReleaseWatchError({
      code: 'CONFIG_THREW',
      message: `Config ${file} threw while it was evaluated: ${reason}`,
      suggestion: 'Fix the code in the config file that throws; it must only build and export the config.',
      exitCode: ExitCode.usage,
      details: { file },
      cause,
    }),
  diskFull: (path: string, syscall: string | undefined, cause?: unknown) =>
    new ReleaseWatchError({
      code: 'DISK_FULL',
      message: `No space left on the device while writing ${path}${syscall ? ` (${syscall})` : ''}.`,
      suggestion: `Free space on the disk that holds ${path} (the upstream cache may be removed: it is rebuilt), then re-run.`,
      exitCode: ExitCode.failure,
      details: { path, ...(syscall ? { syscall } : {}) },
      cause,
    }),
  fileAccessDenied: (errno: string, path: string, syscall: string | undefined, cause?: unknown) =>
    new ReleaseWatchError({
      code: 'FILE_ACCESS_DENIED',
      message: `${errno === 'EROFS' ? 'Read-only file system' : 'Permission denied'} on ${path}${syscall ? ` (${syscall})` : ''}.`,
      suggestion: `Make ${path} writable by this user (check its owner and mode, and the folders above it), or point the config at another folder.`,
      exitCode: ExitCode.failure,
      details: { path, errno, ...(syscall ? { syscall } : {}) },
      cause,
    }),
  upstreamTreeUnsafe: (upstream: string, tag: string, reason: string) =>
    new ReleaseWatchError({
      code: 'UPSTREAM_TREE_UNSAFE',
      message: `The tree of upstream "${upstream}" at ${tag} cannot be checked out safely: ${reason}.`,
      suggestion: `This tree was crafted or is damaged; review it by hand, or skip it with \`release-watch state set ${upstream} ${tag}\`.`,
      exitCode: ExitCode.external,
      details: { upstream, tag },
    }),
  stateLocked: (file: string, lockPath: string, holder: LockHolderInfo | undefined, waitedMs: number) =>
    new ReleaseWatchError({
      code: 'STATE_LOCKED',
      message: lockedMessage('state file', file, lockPath, holder, waitedMs),
      suggestion: `Wait for the other release-watch run to finish (raise the wait with RELEASE_WATCH_LOCK_WAIT, e.g. 5m). If no run is going on, remove ${lockPath}.`,
      exitCode: ExitCode.failure,
      details: { file, lock: lockPath, holder },
    }),
  artifactsLocked: (dir: string, lockPath: string, holder: LockHolderInfo | undefined, waitedMs: number) =>
    new ReleaseWatchError({
      code: 'ARTIFACTS_LOCKED',
      message: lockedMessage('artifact folder', dir, lockPath, holder, waitedMs),
      suggestion: `Wait for the other release-watch process to finish (RELEASE_WATCH_LOCK_WAIT raises the wait). If none is running, remove ${lockPath}.`,
      exitCode: ExitCode.failure,
      details: { dir, lock: lockPath, holder },
    }),
  lockLost: (what: 'state file' | 'artifact folder', file: string, lockPath: string) =>
    new ReleaseWatchError({
      code: 'LOCK_LOST',
      message: `The lock of the ${what} ${file} (${lockPath}) was taken over by another process while this one held it: their writes may have crossed.`,
      suggestion:
        'Check the state (`release-watch state show`) and the downstream issues for duplicates, then re-run; avoid pausing a run for a minute or more.',
      exitCode: ExitCode.failure,
      details: { file, lock: lockPath },
    }),
  tagUnsafe: (tag: string, where: string) =>
    new ReleaseWatchError({
      code: 'TAG_UNSAFE_CHARACTERS',
      message: `Refused tag ${escapeTag(tag)} (${where}): it contains control, bidirectional or invisible characters, which could disguise what it names.`,
      suggestion: 'Pass the tag as it is shown by `release-watch check`, typed without hidden characters.',
      exitCode: ExitCode.usage,
      details: { tag: escapeTag(tag), where },
    }),
} as const;

const FILE_ERRNOS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

/** A Node file-system error the user can act on (permissions, a full disk) as a coded error naming the file. */
export function codedFileError(error: unknown): ReleaseWatchError | undefined {
  const e = error as { code?: unknown; path?: unknown; dest?: unknown; syscall?: unknown };
  if (typeof e?.code !== 'string' || !FILE_ERRNOS.has(e.code)) return undefined;
  const path = typeof e.path === 'string' ? e.path : typeof e.dest === 'string' ? e.dest : '(unknown file)';
  const syscall = typeof e.syscall === 'string' ? e.syscall : undefined;
  return e.code === 'ENOSPC' || e.code === 'EDQUOT'
    ? Errors.diskFull(path, syscall, error)
    : Errors.fileAccessDenied(e.code, path, syscall, error);
}
