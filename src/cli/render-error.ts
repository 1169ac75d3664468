import { Errors, type ReleaseWatchError } from '../errors.js';
import { didYouMean } from '../util/near.js';
import { redactDeep, redactSecrets } from '../util/redact.js';

/** How every coded error reaches the user: `{"error": …}` on stdout under --json, two lines on stderr otherwise. */
export function printError(error: ReleaseWatchError, json: boolean): void {
  process.exitCode = error.exitCode;
  if (json) {
    process.stdout.write(`${JSON.stringify(redactDeep({ error: error.toJSON() }), null, 2)}\n`);
    return;
  }
  const lines = [`Error [${error.code}]: ${error.message}`];
  if (error.suggestion) lines.push(`  → ${error.suggestion}`);
  process.stderr.write(`${redactSecrets(lines.join('\n'))}\n`);
}

interface OclifParseError {
  message: string;
  parse: unknown;
  flags?: string[];
}

/** oclif's parser errors (CLIParseError and its kinds) all carry the parse they failed in. */
const isParseError = (error: unknown): error is OclifParseError =>
  typeof error === 'object' && error !== null && 'parse' in error && 'oclif' in error;

/**
 * An oclif parse failure as USAGE_INVALID: its own words without the help pointer (the suggestion
 * has it), and for an unknown flag the known one it most likely meant.
 */
export function usageError(
  error: unknown,
  command: string,
  knownFlags: readonly string[],
): ReleaseWatchError | undefined {
  if (!isParseError(error)) return undefined;
  const reason = error.message
    .replace(/\n?See more help with --help\s*$/, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ');
  const unknown = error.flags?.[0];
  const meant = unknown ? didYouMean(unknown.replace(/=.*$/, ''), knownFlags) : undefined;
  return Errors.usageInvalid(command, reason, meant);
}
