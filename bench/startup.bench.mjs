// CLI start-up: `release-watch --help`, a command's help and `state show --json` (start-up + config +
// state, no network) as ratios to `node -e 0`, medians of interleaved runs in this same process.
// Goal: --help <= 2.5x node itself (it needs oclif.manifest.json, which `npm run build` writes).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, run } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const GOAL = 2.5;

export default async function bench({ tmp, root }) {
  if (!existsSync(join(root, 'oclif.manifest.json')))
    throw new Error('oclif.manifest.json is missing: run `npm run build` (npm run bench does)');
  writeFileSync(
    join(tmp, 'release-watch.config.json'),
    JSON.stringify({ upstreams: { codex: { repo: 'openai/codex', tags: 'rust-v*' } } }),
  );
  mkdirSync(join(tmp, '.git'));
  const bin = join(root, 'bin/run.js');
  const cases = {
    node: ['-e', '0'],
    help: [bin, '--help'],
    'diff --help': [bin, 'diff', '--help'],
    'state show --json': [bin, 'state', 'show', '--json'],
  };
  const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  // One warm-up each (file cache, Node's compile cache), then interleaved so load spikes hit all alike.
  for (const args of Object.values(cases)) run(process.execPath, args, { cwd: tmp });
  for (let i = 0; i < RUNS; i++) {
    for (const [name, args] of Object.entries(cases))
      times[name].push(run(process.execPath, args, { cwd: tmp }).ms);
  }
  const baseline = median(times.node);
  const row = (name, metric, note) => ({
    metric,
    value: median(times[name]),
    unit: 'ms',
    baseline,
    ratio: median(times[name]) / baseline,
    note,
  });
  const help = row('help', 'release-watch --help (median)', '');
  help.note = `goal <= ${GOAL}x node -e 0 (${help.ratio <= GOAL ? 'met' : 'NOT met'}); ${RUNS} interleaved runs, node ${process.version}`;
  return [
    { metric: 'node -e 0 (median)', value: baseline, unit: 'ms', note: 'the baseline' },
    help,
    row('diff --help', 'release-watch diff --help (median)', 'help of one command: read from the manifest'),
    row(
      'state show --json',
      'release-watch state show --json (median)',
      'start-up + JSON config + state file',
    ),
  ];
}
