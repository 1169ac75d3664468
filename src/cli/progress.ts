import yoctoSpinner, { type Spinner } from 'yocto-spinner';
import { redactSecrets } from '../util/redact.js';

/**
 * Progress of a long command, always on stderr so stdout stays machine-readable. Three renderings:
 * a spinner with elapsed time on a terminal, timestamped lines in logs (not a TTY, or CI set), and
 * workflow commands (`::group::`, `::warning::`, `::error::`) under GitHub Actions. Silent under --json.
 */
export interface Progress {
  readonly mode: ProgressMode;
  /** Runs `fn`, showing `label` while it runs and how long it took; failures are shown and rethrown. */
  step<T>(label: string, fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` under a heading; a foldable group in GitHub Actions logs. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  note(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type ProgressMode = 'silent' | 'tty' | 'plain' | 'github';

/** What progress writes to: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Under --json nothing is shown. */
  json?: boolean;
  stream?: ProgressStream;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds since the epoch; injected so tests control timestamps and durations. */
  now?: () => number;
}

export function progressMode(options: Pick<ProgressOptions, 'json' | 'stream' | 'env'>): ProgressMode {
  const env = options.env ?? process.env;
  if (options.json) return 'silent';
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY && !('CI' in env) && env.TERM !== 'dumb') return 'tty';
  return 'plain';
}

export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** Workflow-command data escaping, so a message cannot end the command early or start another. */
const escapeData = (text: string) =>
  text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');

/**
 * A log line that starts with `::` is a workflow command to the Actions runner; text that may come
 * from upstream (release notes, file names) must not be able to issue one.
 */
const defuseCommands = (text: string) => text.replace(/^(\s*):(?=:)/gm, '$1:\u200b');

export function createProgress(options: ProgressOptions = {}): Progress {
  const mode = progressMode(options);
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const line = (text: string) => {
    stream.write(`${redactSecrets(text)}\n`);
  };
  const timed = async <T>(
    fn: () => Promise<T>,
    done: (elapsed: string) => void,
    failed: (elapsed: string, error: unknown) => void,
  ): Promise<T> => {
    const started = now();
    try {
      const value = await fn();
      done(formatElapsed(now() - started));
      return value;
    } catch (error) {
      failed(formatElapsed(now() - started), error);
      throw error;
    }
  };

  // In logs a step is two lines: when it starts, and how it ended.
  const lineStep =
    (say: (text: string) => void) =>
    <T>(label: string, fn: () => Promise<T>): Promise<T> => {
      say(`${label} …`);
      return timed(
        fn,
        (elapsed) => say(`${label}: done in ${elapsed}`),
        (elapsed, error) => say(`${label}: failed after ${elapsed}: ${reason(error)}`),
      );
    };

  if (mode === 'silent') {
    return {
      mode,
      step: (_label, fn) => fn(),
      group: (_name, fn) => fn(),
      note() {},
      warn() {},
      error() {},
    };
  }

  if (mode === 'github') {
    const say = (text: string) => line(defuseCommands(text));
    const sayStep = lineStep(say);
    let open = 0;
    // Groups do not nest in the Actions log, so only the outermost one folds.
    const group = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      line(`::group::${escapeData(name)}`);
      open++;
      try {
        return await fn();
      } finally {
        open--;
        line('::endgroup::');
      }
    };
    return {
      mode,
      // A step outside any group (a single command's) folds as its own group, notes and all.
      step: (label, fn) => (open > 0 ? sayStep(label, fn) : group(label, () => sayStep(label, fn))),
      group,
      note: say,
      warn: (message) => line(`::warning::${escapeData(message)}`),
      error: (message) => line(`::error::${escapeData(message)}`),
    };
  }

  if (mode === 'plain') {
    const say = (text: string) => line(`[${new Date(now()).toISOString()}] ${text}`);
    return {
      mode,
      step: lineStep(say),
      group: (name, fn) => {
        say(`── ${name}`);
        return fn();
      },
      note: say,
      warn: (message) => say(`warning: ${message}`),
      error: (message) => say(`error: ${message}`),
    };
  }

  // tty: one spinner at a time (the outermost step); inner steps report as finished lines.
  let active: Spinner | undefined;
  const symbol = { done: '✔', failed: '✖', warn: '⚠', error: '✖' };
  return {
    mode,
    step: async (label, fn) => {
      if (active) {
        return timed(
          fn,
          (elapsed) => line(`  ${symbol.done} ${label} (${elapsed})`),
          (elapsed, error) => line(`  ${symbol.failed} ${label} failed after ${elapsed}: ${reason(error)}`),
        );
      }
      const spinner = yoctoSpinner({
        text: label,
        stream: stream as NodeJS.WriteStream,
        handleSignals: false,
      }).start();
      active = spinner;
      const started = now();
      const ticker = setInterval(() => {
        spinner.text = `${label} (${formatElapsed(now() - started)})`;
      }, 1000);
      ticker.unref();
      try {
        return await timed(
          fn,
          (elapsed) => spinner.success(`${label} (${elapsed})`),
          (elapsed, error) =>
            spinner.error(redactSecrets(`${label} failed after ${elapsed}: ${reason(error)}`)),
        );
      } finally {
        clearInterval(ticker);
        active = undefined;
      }
    },
    group: (name, fn) => {
      line(`\n${name}`);
      return fn();
    },
    note: line,
    warn: (message) => line(`${symbol.warn} ${message}`),
    error: (message) => line(`${symbol.error} ${message}`),
  };
}
