// What the anchor rule costs: `analyze --agent none` on the generated 3,000-file Rust+TS range of
// analyze.bench.mjs, once with a downstream checkout whose code names upstream paths, URLs, headers
// and values (anchors mined and matched, the anchor rule and the severity cap on), once with no
// downstream checkout (no anchors), in the same run. Goal: with / without < 1.2.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateUpstream } from './analyze.bench.mjs';
import { median, run as runCommand } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const run = (cmd, args, cwd) => runCommand(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });

/** A plugin that fetches upstream files by raw URL, calls its endpoints, sends its headers, names its values. */
const PLUGIN = `import { helper } from './helper.js';
const RAW = 'https://raw.githubusercontent.com/bench/big';
export const sources = [
  \`\${RAW}/v1/codex-rs/crate00/src/mod0/file0.rs\`,
  \`\${RAW}/v1/codex-rs/crate01/src/mod1/file1.rs\`,
  \`\${RAW}/v1/sdk/pkg03/src/part3/file3.ts\`,
];
export async function call(id: string) {
  return fetch('https://api0.example.test/v1/f0', {
    headers: { 'x-request-id': id, 'x-codex-item-3': 'on' },
  });
}
export const FIELDS = ['session_id', 'camelCase', 'conversation_id'];
export const VERSION = helper('1.0.7');
`;

function downstream(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plugin.ts'), PLUGIN);
  writeFileSync(join(dir, 'helper.ts'), 'export const helper = (v: string) => v;\n');
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['-c', 'user.name=b', '-c', 'user.email=b@example.test', 'commit', '-q', '-m', 'plugin'],
  ])
    run('git', args, dir);
}

export default async function anchorsBench({ tmp, root }) {
  const upstream = join(tmp, 'upstream.git');
  await generateUpstream(upstream);
  const bin = join(root, 'bin/run.js');
  const plugin = join(tmp, 'plugin');
  downstream(plugin);
  const project = (name, path) => {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'release-watch.config.json'),
      JSON.stringify({
        downstream: { path },
        artifacts: join(tmp, 'artifacts'),
        cache: join(tmp, 'cache'),
        upstreams: {
          big: {
            repo: 'bench/big',
            tags: 'v*',
            source: 'git-tags',
            url: `file://${upstream}`,
            surfaces: { core: ['codex-rs/crate0[0-3]/**'] },
          },
        },
      }),
    );
    return dir;
  };
  const withAnchors = project('with', plugin);
  // No downstream checkout there: mining fails, analyze notes it and scans without anchors.
  const withoutAnchors = project('without', join(tmp, 'empty'));
  mkdirSync(join(tmp, 'empty'), { recursive: true });
  run(
    process.execPath,
    [bin, 'diff', '--upstream', 'big', '--from', 'v1', '--to', 'v2', '--json'],
    withAnchors,
  );
  const analyze = (cwd) =>
    run(
      process.execPath,
      [bin, 'analyze', '--upstream', 'big', '--tag', 'v2', '--agent', 'none', '--json'],
      cwd,
    );
  // Warm the mined-anchor cache once, as a second analyze of the same downstream commit would find it.
  analyze(withAnchors);
  const listed = JSON.parse(
    run(process.execPath, [bin, 'anchors', '--upstream', 'big', '--from', 'v1', '--json'], withAnchors)
      .stdout,
  );
  const anchorCount = (Array.isArray(listed) ? listed : (listed.upstreams ?? [listed])).reduce(
    (n, u) => n + (u.anchors?.length ?? 0),
    0,
  );
  const timed = { with: [], without: [] };
  const found = { with: 0, without: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [key, cwd] of [
      ['without', withoutAnchors],
      ['with', withAnchors],
    ]) {
      const result = analyze(cwd);
      timed[key].push(result.ms);
      const json = JSON.parse(result.stdout);
      found[key] = json.findings.total;
    }
  }
  const without = median(timed.without);
  const withA = median(timed.with);
  return [
    {
      metric: 'analyze --agent none, no anchors',
      value: without,
      unit: 'ms',
      note: `${found.without} findings; median of ${ROUNDS}`,
    },
    {
      metric: 'analyze --agent none, with anchors',
      value: withA,
      unit: 'ms',
      baseline: without,
      ratio: withA / without,
      note: `goal < 1.2; ${anchorCount} anchors; ${found.with} findings`,
    },
  ];
}
