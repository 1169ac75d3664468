// Anchor mining on a generated 10,000-file downstream (TS, JSON, YAML, Markdown; ~14 MB), committed
// to git: a cold mine (every file parsed), a cached one (the store answers: no file of the checkout is
// read) and one after a commit that changes 20 files, each against a plain `git grep` over the same
// tree in this same run. Cold is mostly TypeScript's own parser (~60% of its profile; the walk over
// the syntax trees ~25%).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_ENV, median } from './lib.mjs';

const FILES = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const GIT_ENV = {
  ...BENCH_ENV,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.test',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.test',
};
const git = (dir, args) =>
  execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8', maxBuffer: 1 << 28 });

function tsFile(i, rev = 0) {
  const body = Array.from(
    { length: 30 },
    (_, l) => `  const v${l} = compute(input, 'option-${(i + l) % 300}', ${l}); // step ${l} of ${i}`,
  ).join('\n');
  return `import type { Plugin } from '@opencode-ai/plugin';
import { helper } from './helper-${(i + 1) % FILES}.js';
import { z } from 'zod';

export const MODEL_${i} = 'model-${i % 50}-large';
export const EFFORT_${i} = ${i % 3 === 0 ? "'xhigh'" : "'low'"};

export async function call${i}(token: string, input: unknown) {
  const base = process.env.API_BASE_${i % 20} ?? 'https://api.example.test/v1';
${body}
  const headers = { 'X-Trace-${i % 10}': token, 'Content-Type': 'application/json' };
  return fetch(\`\${base}/items/${i}?rev=${rev}\`, { method: 'POST', headers, body: JSON.stringify({ v0, helper }) });
}

export const plugin${i}: Plugin = async () => ({ 'chat.params': async () => {}, event: async () => {} });
`;
}

function generate(dir) {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const folder = join(dir, `packages/p${i % 100}/src`);
    if (i < 100) mkdirSync(folder, { recursive: true });
    const kind = i % 20;
    if (kind < 14) writeFileSync(join(folder, `m${i}.ts`), tsFile(i));
    else if (kind < 17)
      writeFileSync(
        join(folder, `c${i}.json`),
        JSON.stringify(
          { model: `model-${i % 50}-large`, options: { reasoningEffort: 'high', id: i } },
          null,
          2,
        ),
      );
    else if (kind < 18)
      writeFileSync(join(folder, `w${i}.yaml`), `name: job-${i}\nmodel: model-${i % 50}-mini\n`);
    else
      writeFileSync(
        join(folder, `d${i}.md`),
        `# Doc ${i}\n\nSet \`API_BASE_${i % 20}\` and see https://example.test/docs/${i}.\n\n${'Prose line.\n'.repeat(40)}`,
      );
  }
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'downstream']);
}

export default async function anchorsBench({ tmp, root }) {
  const { mineDownstream } = await import(pathToFileURL(join(root, 'dist/analysis/anchors/index.js')).href);
  const dir = join(tmp, 'downstream');
  generate(dir);
  const bytes = Number(git(dir, ['ls-files', '-z']).split('\0').length);
  const size = execFileSync('du', ['-sk', '--exclude=.git', dir], { encoding: 'utf8' }).split('\t')[0];

  const timed = async (fn) => {
    const started = performance.now();
    const result = await fn();
    return { ms: performance.now() - started, result };
  };
  const grep = [];
  const cold = [];
  const warm = [];
  let anchors = 0;
  for (let run = 0; run < RUNS; run++) {
    grep.push((await timed(() => git(dir, ['grep', '-I', '-c', '-F', '-e', 'model-7-large']))).ms);
    const coldRun = await timed(() => mineDownstream(dir));
    cold.push(coldRun.ms);
    anchors = coldRun.result.anchors.length;
    const cacheDir = join(tmp, `cache-${run}`);
    await mineDownstream(dir, { cacheDir });
    const warmRun = await timed(() => mineDownstream(dir, { cacheDir }));
    if (warmRun.result.parsed !== 0) throw new Error(`warm mine parsed ${warmRun.result.parsed} files`);
    warm.push(warmRun.ms);
  }
  // A new commit touching 20 TS files: only those are parsed again.
  const cacheDir = join(tmp, 'cache-incremental');
  await mineDownstream(dir, { cacheDir });
  for (let i = 0; i < 20 * 20; i += 20)
    writeFileSync(join(dir, `packages/p${i % 100}/src/m${i}.ts`), tsFile(i, 1));
  git(dir, ['commit', '-q', '-am', 'change 20 files']);
  const incremental = await timed(() => mineDownstream(dir, { cacheDir }));
  if (incremental.result.parsed !== 20)
    throw new Error(`incremental mine parsed ${incremental.result.parsed}`);

  const storeMb = (
    readdirSync(cacheDir).reduce((total, name) => total + statSync(join(cacheDir, name)).size, 0) /
    2 ** 20
  ).toFixed(1);
  const baseline = median(grep);
  const note = `${bytes - 1} files, ${(Number(size) / 1024).toFixed(1)} MB, ${anchors} anchors`;
  return [
    { metric: 'git grep -F over the tree (median)', value: baseline, unit: 'ms', note },
    {
      metric: 'mine, cold (median)',
      value: median(cold),
      unit: 'ms',
      baseline,
      ratio: median(cold) / baseline,
      note: 'every file parsed (TypeScript parser ~60%, the walk ~25%)',
    },
    {
      metric: 'mine, cached (median)',
      value: median(warm),
      unit: 'ms',
      baseline,
      ratio: median(warm) / baseline,
      note: `goal < 1000 ms; one ${storeMb} MB store read, no file of the checkout`,
    },
    {
      metric: 'mine, after a 20-file commit',
      value: incremental.ms,
      unit: 'ms',
      baseline,
      ratio: incremental.ms / baseline,
      note: '20 files read and parsed, the store rewritten',
    },
  ];
}
