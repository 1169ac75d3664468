import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../node_modules/.cache/release-watch-hardening/results.jsonl',
);

/** One line of the table: what was tried, and how often each kind of failure was seen. */
export interface Row {
  area: string;
  name: string;
  /** CLI runs (or trials) made for the row. */
  trials: number;
  /** Faults injected. */
  faults: number;
  /** Hostile or unusual inputs fed. */
  inputs: number;
  /** Updates or issues that should exist and do not. */
  lost?: number;
  duplicates?: number;
  /** Secrets found where they must not be, or processes/files left behind. */
  leaks?: number;
  /** Runs that did not end within their bound. */
  hangs?: number;
  /** Planted code (plugins, hooks) that ran. */
  planted?: number;
  /** Wrong outcomes: an uncoded error, a wrong exit code, a wrong result. */
  wrong?: number;
  note?: string;
}

export function record(row: Row): void {
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  appendFileSync(RESULTS_FILE, `${JSON.stringify(row)}\n`);
}
