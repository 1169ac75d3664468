import { existsSync, renameSync, rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Errors } from '../../errors.js';
import { writeFileAtomically, writeJsonAtomically } from '../../util/fs.js';
import { onInterrupt } from '../../util/shutdown.js';
import { resolveOpenCodeBinary } from './binary.js';
import { openCodeEnv } from './env.js';
import { EventStream, type EventSummary } from './events.js';
import { extractAgentOutput } from './extract.js';
import { describePath } from './preflight.js';
import { type ProcessResult, type ProcessRunner, runProcess } from './process.js';
import type { AgentRunInput, AgentRunner, AgentRunResult } from './types.js';

const HEARTBEAT_MS = 15_000;

/**
 * The OpenCode runner (`agent.kind: opencode`): `opencode run --format json` in the checkout of the
 * `to` tag, with our agent from a private config folder, read-only permissions injected last, and
 * an allow-listed environment. The answer is taken from the final text, validated, and repaired once
 * in the same session when it does not fit the schema.
 */

export interface OpenCodeRunnerOptions {
  /** The opencode program; default: PATH, then the npm package opencode-ai. */
  binary?: string;
  /** Process runner (injected in tests). */
  run?: ProcessRunner;
}

export const FIRST_PROMPT =
  'Assess the upstream release described in the attached context.md for its impact on the downstream project, ' +
  'following your instructions: read context.md first, then confirm in this checkout of the new release. ' +
  'Answer with only the JSON object your instructions describe.';

export function repairPrompt(problems: readonly string[]): string {
  return [
    'Your previous answer cannot be used: it does not fit the required output schema.',
    'Problems:',
    ...problems.slice(0, 30).map((p) => `- ${p}`),
    'Answer again with only the corrected JSON object (keys impact, summary, findings, exactly as in the ' +
      '"Output" section of your instructions), no prose and no code fence.',
  ].join('\n');
}

/**
 * What OpenCode prints when `--agent` names an agent it did not load (`agent "x" not found.`, `agent
 * "x" is a subagent, not a primary agent.`); it then carries on with its default agent and exits 0.
 */
const FALLBACK_WARNING = /agent "([^"]*)"[^\n]*?Falling back to default agent/;

/** Files at the checkout root that OpenCode loads from its working directory (see hideProjectConfig). */
export const PROJECT_CONFIG_ENTRIES = ['.opencode', 'opencode.json', 'opencode.jsonc'] as const;
const HIDDEN_SUFFIX = '.release-watch-hidden';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * A temp dir of the run's own under `base`, for OpenCode's TMPDIR: OpenCode unpacks a native library
 * of 5 MB into its temp dir on every start and never removes it. `remove` (or an interrupt) deletes it.
 */
export async function privateTempDir(base: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(base, 'release-watch-opencode-'));
  // Synchronous, so the interrupt handler can run it between the signal and the exit.
  const removeNow = () => rmSync(dir, { recursive: true, force: true });
  const forgetInterrupt = onInterrupt(removeNow);
  return {
    dir,
    remove: async () => {
      forgetInterrupt();
      removeNow();
    },
  };
}

/**
 * OpenCode 1.18 imports plugins from `.opencode/plugin/` and `opencode.json` in its working directory
 * even with OPENCODE_DISABLE_PROJECT_CONFIG=1 (its newer config layer ignores the flag), so the
 * upstream's own OpenCode config at the checkout root is renamed away for the run and put back after.
 * A leftover from a run that was killed is picked up and restored too.
 */
export async function hideProjectConfig(worktree: string): Promise<() => Promise<void>> {
  const hidden: { original: string; hidden: string }[] = [];
  const restoreNow = () => {
    for (const entry of hidden.splice(0)) {
      if (!existsSync(entry.original) && existsSync(entry.hidden)) renameSync(entry.hidden, entry.original);
    }
  };
  // Synchronous, so the interrupt handler can run it between the signal and the exit.
  const forgetInterrupt = onInterrupt(restoreNow);
  const restore = async () => {
    forgetInterrupt();
    restoreNow();
  };
  try {
    for (const name of PROJECT_CONFIG_ENTRIES) {
      const original = join(worktree, name);
      const aside = `${original}${HIDDEN_SUFFIX}`;
      const hasOriginal = await exists(original);
      if (await exists(aside)) {
        if (!hasOriginal) {
          hidden.push({ original, hidden: aside });
          continue;
        }
        await rm(aside, { recursive: true, force: true });
      }
      if (!hasOriginal) continue;
      await rename(original, aside);
      hidden.push({ original, hidden: aside });
    }
  } catch (error) {
    await restore();
    throw error;
  }
  return restore;
}

/**
 * The folder OpenCode gets as OPENCODE_CONFIG_DIR: a copy of our agent definition only, so the
 * downstream's own `.opencode/` (plugins, tools, other agents) is not loaded into the run, plus the
 * user's OPENCODE_CONFIG_CONTENT, if any, at lower precedence than the enforced config. The empty
 * node_modules and the lock file naming @opencode-ai/plugin stop OpenCode from npm-installing that
 * package into the folder, which it does for every config folder whose node_modules is missing.
 */
export async function prepareConfigDir(options: {
  dir: string;
  sourceDir: string;
  agentName: string;
  userConfigContent?: string;
}): Promise<string> {
  let source: string | undefined;
  for (const folder of ['agent', 'agents']) {
    const candidate = join(options.sourceDir, folder, `${options.agentName}.md`);
    if (await exists(candidate)) {
      source = candidate;
      break;
    }
  }
  if (!source) throw Errors.agentDefinitionMissing(options.agentName, options.sourceDir);
  await rm(options.dir, { recursive: true, force: true });
  await mkdir(join(options.dir, 'agent'), { recursive: true });
  await copyFile(source, join(options.dir, 'agent', `${options.agentName}.md`));
  await seedPluginDependency(options.dir);
  if (options.userConfigContent)
    await writeFileAtomically(join(options.dir, 'opencode.jsonc'), options.userConfigContent);
  return options.dir;
}

/** Marks @opencode-ai/plugin as installed in an OpenCode config folder, so OpenCode does not npm-install it. */
export async function seedPluginDependency(configDir: string): Promise<void> {
  await mkdir(join(configDir, 'node_modules'), { recursive: true });
  const lockFile = join(configDir, 'package-lock.json');
  if (await exists(lockFile)) return;
  await writeJsonAtomically(lockFile, {
    name: 'opencode-config',
    lockfileVersion: 3,
    packages: { '': { dependencies: { '@opencode-ai/plugin': '*' } } },
  });
}

interface Turn {
  label: string;
  result: ProcessResult;
  events: EventSummary;
  eventsFile: string;
  stderrFile: string;
}

export function createOpenCodeRunner(options: OpenCodeRunnerOptions = {}): AgentRunner {
  const run = options.run ?? runProcess;
  return async (input: AgentRunInput): Promise<AgentRunResult> => {
    const started = performance.now();
    const deadline = started + input.timeoutMs;
    const env = input.env ?? process.env;
    const binary = options.binary ?? (await resolveOpenCodeBinary(env.PATH ?? ''));
    if (!binary) throw Errors.agentNotInstalled(describePath(env.PATH ?? ''));
    const rawDir = input.rawDir;
    await mkdir(rawDir, { recursive: true });
    const configDir = await prepareConfigDir({
      dir: join(rawDir, 'opencode-config'),
      sourceDir: input.configDir,
      agentName: input.agentName,
      userConfigContent: env.OPENCODE_CONFIG_CONTENT,
    });
    const scratch = await privateTempDir(env.TMPDIR || tmpdir());
    const childEnv = {
      ...openCodeEnv({ env, configDir, agentName: input.agentName }),
      TMPDIR: scratch.dir,
      TMP: scratch.dir,
      TEMP: scratch.dir,
    };
    const common = [
      'run',
      '--format',
      'json',
      '--agent',
      input.agentName,
      ...(input.model ? ['-m', input.model] : []),
      ...(input.variant ? ['--variant', input.variant] : []),
      // A title of our own also spares the model call OpenCode would make to invent one.
      '--title',
      input.title ?? `release-watch ${basename(input.worktree)}`,
    ];
    const turns: Turn[] = [];

    const runTurn = async (label: string, args: string[]): Promise<Turn> => {
      const remaining = Math.floor(deadline - performance.now());
      if (remaining <= 0) throw Errors.agentTimeout(input.agentName, input.timeoutMs, rawDir);
      const stream = new EventStream();
      // The default agent is not ours: stop at the warning instead of paying for its whole run.
      const fallback = new AbortController();
      let stderrSeen = '';
      const eventsFile = join(rawDir, `${label}-events.jsonl`);
      const stderrFile = join(rawDir, `${label}-stderr.log`);
      const started = performance.now();
      // A run takes minutes: say every so often that it is alive, and what it did so far.
      const heartbeat = setInterval(() => {
        const { tools, tokens } = stream.summary;
        const seconds = Math.round((performance.now() - started) / 1000);
        input.onNote?.(
          `${label}: agent still working, ${seconds >= 60 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s` : `${seconds}s`}, ${tools.length} tool call${tools.length === 1 ? '' : 's'}, ${tokens} tokens so far`,
        );
      }, input.heartbeatMs ?? HEARTBEAT_MS);
      heartbeat.unref();
      const result = await run({
        command: binary,
        args,
        cwd: input.worktree,
        env: childEnv,
        timeoutMs: remaining,
        stdoutFile: eventsFile,
        stderrFile,
        signal: fallback.signal,
        onStderr: (text) => {
          stderrSeen = (stderrSeen + text).slice(-4096);
          if (FALLBACK_WARNING.test(stderrSeen)) fallback.abort();
        },
        onLine: (line) => {
          const event = stream.push(line);
          if (event?.type === 'tool_use' && event.part?.tool) {
            const what = briefInput(event.part.state?.input).replaceAll(`${input.worktree}/`, '');
            input.onNote?.(`${label}: ${event.part.tool} ${what}`.trim());
          }
        },
      }).finally(() => clearInterval(heartbeat));
      const turn = { label, result, events: stream.summary, eventsFile, stderrFile };
      turns.push(turn);
      await writeRunRecord(rawDir, binary, turns);
      checkTurn(turn, input, rawDir);
      return turn;
    };

    input.onNote?.(
      `opencode: agent "${input.agentName}"${input.model ? ` (${input.model})` : ''} in ${input.worktree}; raw output in ${rawDir}`,
    );
    let restore = async () => {};
    try {
      restore = await hideProjectConfig(input.worktree);
      const first = await runTurn('opencode', [...common, FIRST_PROMPT, '-f', input.contextFile]);
      let extraction = extractAgentOutput(first.events.texts);
      let repaired = false;
      if (!extraction.ok) {
        const sessionId = first.events.sessionId;
        if (!sessionId) {
          throw Errors.agentRunFailed(
            input.agentName,
            'its event stream carries no session id to repair the answer in',
            rawDir,
          );
        }
        input.onNote?.(
          `opencode: answer does not fit the schema (${extraction.problems.length} problems); one repair turn`,
        );
        const second = await runTurn('opencode-repair', [
          ...common,
          '--session',
          sessionId,
          repairPrompt(extraction.problems),
        ]);
        extraction = extractAgentOutput(second.events.texts);
        repaired = true;
        if (!extraction.ok) throw Errors.agentOutputInvalid(input.agentName, extraction.problems, rawDir);
      }
      return {
        output: extraction.output,
        ...(input.model ? { model: input.model } : {}),
        durationMs: Math.round(performance.now() - started),
        tokens: turns.reduce((sum, t) => sum + t.events.tokens, 0),
        cost: turns.reduce((sum, t) => sum + t.events.cost, 0),
        sessionId: first.events.sessionId,
        repaired,
        ...(extraction.adjustments.length > 0 ? { adjustments: extraction.adjustments } : {}),
      };
    } finally {
      await restore();
      await scratch.remove();
    }
  };
}

/** Raises the coded error for a turn that did not end with an answer to look at. */
function checkTurn(turn: Turn, input: AgentRunInput, rawDir: string): void {
  const { result, events } = turn;
  if (result.spawnError) {
    throw Errors.agentRunFailed(
      input.agentName,
      `could not start opencode: ${result.spawnError.message}`,
      rawDir,
    );
  }
  const fallback = FALLBACK_WARNING.exec(result.stderr);
  if (fallback) throw Errors.agentNotLoaded(fallback[1] ?? input.agentName, rawDir);
  if (result.timedOut) throw Errors.agentTimeout(input.agentName, input.timeoutMs, rawDir);
  if (result.exitCode !== 0) {
    throw Errors.agentRunFailed(
      input.agentName,
      `opencode exited with ${result.exitCode === null ? `signal ${result.signal}` : `code ${result.exitCode}`}: ${cause(turn)}`,
      rawDir,
    );
  }
  if (events.texts.length === 0) {
    throw Errors.agentRunFailed(input.agentName, `it gave no text answer: ${cause(turn)}`, rawDir);
  }
}

/** The error quoted from the file that holds it: OpenCode reports most errors as events, not on stderr. */
function cause({ events, result, eventsFile, stderrFile }: Turn): string {
  const event = events.errors.at(-1);
  if (event) return `"${event}" (in ${eventsFile})`;
  const stderr = lastLines(result.stderr);
  if (stderr) return `"${stderr}" (in ${stderrFile})`;
  return `no error message in ${eventsFile} or ${stderrFile}`;
}

const lastLines = (text: string): string | undefined => {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.length > 0 ? lines.slice(-3).join(' | ') : undefined;
};

const briefInput = (input: unknown): string => {
  if (!input || typeof input !== 'object') return '';
  const values = Object.values(input as Record<string, unknown>).filter(
    (v) => typeof v === 'string',
  ) as string[];
  return values.join(' ').replace(/\s+/g, ' ').slice(0, 120);
};

/** `run.json` in the raw folder: how each turn was run and how it ended (never the environment). */
async function writeRunRecord(rawDir: string, binary: string, turns: Turn[]): Promise<void> {
  await writeJsonAtomically(join(rawDir, 'run.json'), {
    binary,
    turns: turns.map((t) => ({
      label: t.label,
      exitCode: t.result.exitCode,
      signal: t.result.signal,
      timedOut: t.result.timedOut,
      durationMs: t.result.durationMs,
      sessionId: t.events.sessionId,
      steps: t.events.steps,
      tools: t.events.tools.map((tool) => ({ tool: tool.tool, status: tool.status, error: tool.error })),
      tokens: t.events.tokens,
      cost: t.events.cost,
      finishReason: t.events.finishReason,
      errors: t.events.errors,
      events: basename(t.eventsFile),
      stderr: basename(t.stderrFile),
    })),
  });
}

/** The runner analyze uses: the `opencode` program from PATH or the opencode-ai package. */
export const openCodeRunner: AgentRunner = createOpenCodeRunner();
