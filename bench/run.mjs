// `npm run bench`: runs every bench/*.bench.mjs (or those named on the command line) and prints one
// table of results. Each bench default-exports `async (ctx) => rows`, a row being
// { bench, metric, value, unit, baseline?, ratio?, note? }; ratios compare against a baseline run in
// the same process (raw git, `node -e 0`, ...), never against fixed times.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url);
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const root = mkdtempSync(join(tmpdir(), 'rw-bench-'));
const rows = [];
try {
  for (const file of files) {
    const bench = (await import(new URL(file, here))).default;
    process.stderr.write(`bench ${file} ...\n`);
    const started = performance.now();
    const result = await bench({
      tmp: mkdtempSync(join(root, file.replace('.bench.mjs', '-'))),
      root: new URL('..', here).pathname,
    });
    process.stderr.write(`bench ${file} done in ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
    rows.push(...result.map((r) => ({ bench: file.replace('.bench.mjs', ''), ...r })));
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : (v ?? ''));
const table = [
  ['bench', 'metric', 'value', 'unit', 'baseline', 'ratio', 'note'],
  ...rows.map((r) => [
    r.bench,
    r.metric,
    fmt(r.value),
    r.unit ?? '',
    fmt(r.baseline),
    fmt(r.ratio),
    r.note ?? '',
  ]),
];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
for (const row of table)
  console.log(
    row
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
if (process.env.BENCH_JSON) console.log(JSON.stringify(rows));
