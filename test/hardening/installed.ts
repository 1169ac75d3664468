import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where install.ts puts the CLI as installed (package.json, bin/, dist/ and the oclif manifest). */
export const INSTALLED = join(REPO_ROOT, 'node_modules', '.cache', 'release-watch-hardening', 'package');

/** The installed CLI's entry point: what `release-watch` runs for a user. */
export const CLI = join(INSTALLED, 'bin', 'run.js');
