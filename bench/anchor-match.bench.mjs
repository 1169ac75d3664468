// Matching a downstream's anchors against an upstream tree: 1,200 anchors (model ids, option words,
// headers, env vars, URL paths) over a generated 4,000-file / ~40 MB tree of Rust and TypeScript, as
// real codex's is, against reading the same blobs with a plain `git cat-file --batch` and against a
// plain `git grep -F` for one word over the tree, both in this same run.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fastImport, median, run } from './lib.mjs';

const FILES = 4_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORDS = ['low', 'medium', 'high', 'error', 'warning', 'assistant', 'user', 'model', 'shell', 'tool'];

function rustFile(i) {
  const lines = [];
  lines.push(`use crate::client::Client; // file ${i}`);
  lines.push(`pub const MODEL_${i}: &str = "model-${i % 400}-large";`);
  lines.push(`pub enum Level${i} { ${WORDS.map((w) => w[0].toUpperCase() + w.slice(1)).join(', ')} }`);
  for (let l = 0; l < 300; l++)
    lines.push(
      `    let v${l} = client.header("X-Trace-${(i + l) % 500}", "${WORDS[l % WORDS.length]}").env("APP_VAR_${l % 200}"); // step ${l}`,
    );
  return `${lines.join('\n')}\n`;
}

function tsFile(i) {
  return `${Array.from(
    { length: 250 },
    (_, l) =>
      `export const route${l} = fetch(\`\${base}/v1/items/${(i + l) % 300}\`, { effort: '${WORDS[l % 3]}' });`,
  ).join('\n')}\n`;
}

async function generate(dir) {
  const stream = fastImport(dir);
  await stream.write(
    'commit refs/heads/main\ncommitter bench <b@example.test> 1700000000 +0000\ndata 2\nv1\n',
  );
  for (let i = 0; i < FILES; i++) {
    const path = i % 3 === 0 ? `sdk/src/f${i}.ts` : `core/src/m${i % 40}/f${i}.rs`;
    const content = Buffer.from(i % 3 === 0 ? tsFile(i) : rustFile(i));
    await stream.write(`M 100644 inline ${path}\ndata ${content.length}\n`);
    await stream.write(content);
    await stream.write('\n');
  }
  await stream.write('\n');
  await stream.done();
  return run('git', ['--git-dir', dir, 'rev-parse', 'main']).stdout.toString().trim();
}

function anchors() {
  const mined = [];
  const use = [{ path: 'index.ts', line: 1, excerpt: 'x' }];
  for (let i = 0; i < 600; i++) mined.push({ kind: 'literal', value: `model-${i}-large`, uses: use });
  for (const w of WORDS) mined.push({ kind: 'literal', value: w, uses: use });
  for (let i = 0; i < 300; i++) mined.push({ kind: 'header', value: `x-trace-${i * 2}`, uses: use });
  for (let i = 0; i < 200; i++) mined.push({ kind: 'env', value: `APP_VAR_${i}`, uses: use });
  for (let i = 0; i < 90; i++) mined.push({ kind: 'url', value: `/v1/items/${i * 4}`, uses: use });
  return mined;
}

export default async function anchorMatchBench({ tmp, root }) {
  const { matchAnchors } = await import(pathToFileURL(join(root, 'dist/analysis/anchors/match.js')).href);
  const { runGit } = await import(pathToFileURL(join(root, 'dist/git/run.js')).href);
  const dir = join(tmp, 'upstream.git');
  const commit = await generate(dir);
  const cache = { id: 'bench', dir, url: 'file:///dev/null', git: runGit };
  const mined = anchors();
  const ids = run('git', ['--git-dir', dir, 'ls-tree', '-r', '--object-only', commit]).stdout;
  const bytes = run('git', ['--git-dir', dir, 'cat-file', '--batch'], { input: ids }).stdout.length;

  const read = [];
  const grep = [];
  const match = [];
  let kept = 0;
  for (let r = 0; r < RUNS; r++) {
    read.push(run('git', ['--git-dir', dir, 'cat-file', '--batch'], { input: ids }).ms);
    grep.push(run('git', ['--git-dir', dir, 'grep', '-I', '-c', '-F', '-e', 'model-7-large', commit]).ms);
    const started = performance.now();
    kept = (await matchAnchors(mined, { cache, commit, repo: 'o/upstream' })).anchors.length;
    match.push(performance.now() - started);
  }
  // Models 400-599, headers past x-trace-499 and item paths past 299 are not in the tree: 935 are.
  if (kept !== 935) throw new Error(`${kept} of ${mined.length} anchors found upstream, expected 935`);
  const note = `${FILES} files, ${(bytes / 1e6).toFixed(1)} MB, ${mined.length} anchors (${kept} found)`;
  return [
    { metric: 'git cat-file --batch of the tree (median)', value: median(read), unit: 'ms', note },
    { metric: 'git grep -F one word (median)', value: median(grep), unit: 'ms' },
    {
      metric: 'match anchors over the tree (median)',
      value: median(match),
      unit: 'ms',
      baseline: median(read),
      ratio: median(match) / median(read),
      note: `vs cat-file; ${(median(match) / median(grep)).toFixed(1)}× the one-word grep`,
    },
  ];
}
