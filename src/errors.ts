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
  agentNotInstalled: (pathSearched: string) =>
    new ReleaseWatchError({
      code: 'AGENT_NOT_INSTALLED',
      message: `The opencode program was not found on PATH (${pathSearched || 'empty'}) nor in an installed npm package opencode-ai.`,
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
  agentRunFailed: (agent: string, reason: string, rawDir: string) =>
    new ReleaseWatchError({
      code: 'AGENT_RUN_FAILED',
      message: `The OpenCode agent "${agent}" failed: ${reason}. Raw output: ${rawDir}.`,
      suggestion:
        'Check the model and its provider credentials (`opencode auth list`, `opencode models`), and the stderr log in the raw output folder.',
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
} as const;
