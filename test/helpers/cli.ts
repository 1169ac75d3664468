import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs the built CLI (bin/run.js → dist/) as a real process. The environment is scrubbed of
 * GitHub Actions variables so a developer's or CI's own settings never leak into a test.
 */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeout?: number; input?: string },
): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(GITHUB_|GH_|RUNNER_|ACTIONS_)/.test(key) || key === 'CI') delete env[key];
  }
  // vitest sets NODE_ENV=test, which makes oclif register tsx and look for TypeScript sources (slower
  // start-up, and a "Could not find source" warning on stderr under Node 24): run the CLI as users do.
  delete env.NODE_ENV;
  const result = await execa('node', [BIN, ...args], {
    cwd: options.cwd,
    env: { ...env, NO_COLOR: '1', ...options.env },
    extendEnv: false,
    reject: false,
    timeout: options.timeout ?? 120_000,
    input: options.input ?? '',
  });
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 1 };
}

/** Parses the --json stdout of a CLI run, failing with the whole output when it is not JSON. */
export function parseJson<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not JSON (exit ${result.exitCode}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`,
    );
  }
}
