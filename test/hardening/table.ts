import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RESULTS_FILE, type Row } from './results.js';

/** vitest globalSetup: clears the figures before the suite, prints them as a table after it. */
export async function setup(): Promise<void> {
  await rm(RESULTS_FILE, { force: true });
  await mkdir(dirname(RESULTS_FILE), { recursive: true });
}

const COUNTS = ['lost', 'duplicates', 'leaks', 'hangs', 'planted', 'wrong'] as const;

export async function teardown(): Promise<void> {
  const text = await readFile(RESULTS_FILE, 'utf8').catch(() => '');
  const rows = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Row)
    .sort((a, b) => a.area.localeCompare(b.area) || a.name.localeCompare(b.name));
  const header = [
    'AREA',
    'ROW',
    'TRIALS',
    'FAULTS',
    'INPUTS',
    'LOST',
    'DUPS',
    'LEAKS',
    'HANGS',
    'PLANTED',
    'WRONG',
    'NOTE',
  ];
  const body = rows.map((r) => [
    r.area,
    r.name,
    String(r.trials),
    String(r.faults),
    String(r.inputs),
    ...COUNTS.map((key) => String(r[key] ?? 0)),
    r.note ?? '',
  ]);
  const sum = (f: (r: Row) => number) => String(rows.reduce((n, r) => n + f(r), 0));
  const total = [
    'TOTAL',
    `${rows.length} rows`,
    sum((r) => r.trials),
    sum((r) => r.faults),
    sum((r) => r.inputs),
    ...COUNTS.map((key) => sum((r) => r[key] ?? 0)),
    '',
  ];
  const all = [header, ...body, total];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), ...body.map(line), line(total)].join('\n');
  process.stdout.write(`\n== release-watch hardening figures ==\n${out}\n`);
  const bad = rows.filter((r) => COUNTS.some((key) => (r[key] ?? 0) > 0));
  if (bad.length > 0)
    process.stdout.write(
      `\n${bad.length} rows found defects: ${bad.map((r) => `${r.area}/${r.name}`).join(', ')}\n`,
    );
}
