// What the benches share: git with no user or system config, a timed command that must succeed, and
// a `git fast-import` stream into a new bare repository (how the big synthetic upstreams are built).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export const BENCH_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  NO_COLOR: '1',
};
delete BENCH_ENV.COLUMNS;

/** The median of a list of numbers (timings are compared as medians of interleaved runs). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs a command to completion (throwing with its stderr when it fails) and times it. */
export function run(cmd, args, options = {}) {
  const started = performance.now();
  const result = spawnSync(cmd, args, { env: BENCH_ENV, maxBuffer: 1024 * 1024 * 1024, ...options });
  const ms = performance.now() - started;
  if (result.status !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${result.status}): ${String(result.stderr).slice(-2000)}`,
    );
  return { ms, seconds: ms / 1000, stdout: result.stdout, stderr: String(result.stderr ?? '') };
}

/**
 * A bare repository at `dir` fed by `git fast-import`: `write(text)` waits for the pipe to drain,
 * `done()` closes the stream and waits for fast-import to finish.
 */
export function fastImport(dir) {
  mkdirSync(dir, { recursive: true });
  run('git', ['init', '-q', '--bare', dir]);
  // glibc otherwise returns memory after every blob: fast-import then spends minutes in brk().
  const child = spawn('git', ['-C', dir, 'fast-import', '--quiet'], {
    env: { ...BENCH_ENV, MALLOC_TOP_PAD_: String(256 << 20), MALLOC_TRIM_THRESHOLD_: String(256 << 20) },
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const closed = new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))),
  );
  return {
    write: (text) =>
      new Promise((resolve) => (child.stdin.write(text) ? resolve() : child.stdin.once('drain', resolve))),
    done: () => {
      child.stdin.end();
      return closed;
    },
  };
}
