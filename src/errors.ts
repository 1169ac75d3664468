/** Exit codes: 1 = a stage failed, 2 = bad input (usage, config, state), 3 = an upstream/GitHub/agent fault. */
export const ExitCode = { failure: 1, usage: 2, external: 3 } as const;

export interface ReleaseWatchErrorOptions {
  code: string;
  message: string;
  suggestion?: string;
  exitCode?: number;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** An error the user can act on: rendered in one place by the base command, as text or JSON. */
export class ReleaseWatchError extends Error {
  readonly code: string;
  readonly suggestion?: string;
  readonly exitCode: number;
  readonly details?: Record<string, unknown>;

  constructor(options: ReleaseWatchErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = 'ReleaseWatchError';
    this.code = options.code;
    this.suggestion = options.suggestion;
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.details = options.details;
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

/** The catalogue: every coded error the CLI raises, with what to do about it. */
export const Errors = {
  configNotFound: (searchedFrom: string, places: readonly string[]) =>
    new ReleaseWatchError({
      code: 'CONFIG_NOT_FOUND',
      message: `No release-watch config found in ${searchedFrom} or any parent folder (looked for ${places.join(', ')}).`,
      suggestion: 'Run `release-watch init` to create release-watch.config.ts, or pass --config PATH.',
      exitCode: ExitCode.usage,
    }),
  configFileMissing: (file: string) =>
    new ReleaseWatchError({
      code: 'CONFIG_NOT_FOUND',
      message: `Config file ${file} does not exist.`,
      suggestion: 'Check the --config path, or run `release-watch init` to create a config.',
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
  tagMatchesNoUpstream: (tag: string, known: readonly string[]) =>
    new ReleaseWatchError({
      code: 'TAG_MATCHES_NO_UPSTREAM',
      message: `Tag "${tag}" matches no upstream's tag pattern (upstreams: ${list(known)}).`,
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
  notImplemented: (command: string, issue: string) =>
    new ReleaseWatchError({
      code: 'NOT_IMPLEMENTED',
      message: `\`release-watch ${command}\` is not implemented yet (${issue}).`,
      suggestion: 'Use a released version of release-watch that includes this stage.',
      exitCode: ExitCode.failure,
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
  agentFailed: (upstream: string, tag: string, rawDir: string, reason: string, cause?: unknown) =>
    new ReleaseWatchError({
      code: 'AGENT_FAILED',
      message: `The agent failed on ${upstream} ${tag}: ${reason}. analysis.json was not written and earlier files were left as they were; the raw agent output is kept in ${rawDir}.`,
      suggestion: `Look at the raw output, then re-run \`release-watch analyze --upstream ${upstream} --tag ${tag}\`, or pass --agent none for the scanners alone.`,
      exitCode: ExitCode.external,
      details: { upstream, tag, rawDir },
      cause,
    }),
} as const;
