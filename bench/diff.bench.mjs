// `release-watch diff` against raw git on a large synthetic upstream served over file://.
// The upstream (20,000 files in 1,000 folders, 3,000+ commits, releases v1.0.0, v1.1.0, v1.2.0; v1.0.0 → v1.1.0 is a
// ~30 MB patch) is generated once with `git fast-import`. Then, each round in the same run:
//   cold:  release-watch diff --from v1.0.0 --to v1.1.0 in a fresh project (empty cache)
//   warm:  release-watch diff --from v1.1.0 --to v1.2.0 right after (the next release)
//   raw:   the fastest plain-git recipe for the cold range: init + partial fetch of the two tags +
//          diff + log (both blob:none and tree:0 are timed; the faster one is the baseline)
// and reports medians, cold/raw, warm minus git's own diff time, and the CLI's peak memory.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastImport, median, run as runCommand } from './lib.mjs';

const FILES = 20_000;
const BEFORE_V1 = 2_000;
const TO_V11 = 1_000;
const TO_V12 = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const run = (cmd, args, options = {}) =>
  runCommand(cmd, args, { ...options, stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'] });
const git = (dir, ...args) => run('git', ['-C', dir, ...args]);

/** Deterministic text: lines of words from a small vocabulary (compresses like source code). */
function makeRandom(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}
const WORDS =
  'const let value return function import export from await async if else for while true false null map set get list item data node tree commit release watch diff patch stat log file path'.split(
    ' ',
  );
function content(random, lines) {
  let text = '';
  for (let i = 0; i < lines; i++) {
    const n = 4 + Math.floor(random() * 6);
    const words = [];
    for (let w = 0; w < n; w++) words.push(WORDS[Math.floor(random() * WORDS.length)]);
    text += `${words.join(' ')};\n`;
  }
  return text;
}

export async function generateUpstream(dir) {
  const stream = fastImport(dir);
  let pending = [];
  let pendingBytes = 0;
  const flush = async () => {
    const chunk = pending.join('');
    pending = [];
    pendingBytes = 0;
    await stream.write(chunk);
  };
  const write = async (text) => {
    pending.push(text);
    pendingBytes += text.length;
    if (pendingBytes > 4 * 1024 * 1024) await flush();
  };
  const random = makeRandom(42);
  // 50 packages × 20 folders × 20 files: folders about as full as in real repositories.
  const path = (i) => `pkg${String(i % 50).padStart(2, '0')}/src/mod${Math.floor(i / 50) % 20}/file${i}.ts`;
  let mark = 0;
  let time = 1_750_000_000;
  const commit = async (message, changes) => {
    mark += 1;
    time += 60;
    const data = Buffer.byteLength(message);
    let text = `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.test> ${time} +0000\ndata ${data}\n${message}\n`;
    if (mark > 1) text += `from :${mark - 1}\n`;
    for (const change of changes) {
      if (change.delete) text += `D ${change.path}\n`;
      else if (change.rename) text += `R ${change.path} ${change.rename}\n`;
      else text += `M 100644 inline ${change.path}\ndata ${Buffer.byteLength(change.text)}\n${change.text}\n`;
    }
    await write(text);
  };
  const tag = (name) => write(`reset refs/tags/${name}\nfrom :${mark}\n\n`);

  const initial = [];
  for (let i = 0; i < FILES; i++) initial.push({ path: path(i), text: content(random, 60) });
  await commit('initial import', initial);
  for (let c = 1; c < BEFORE_V1; c++) {
    const changes = [];
    for (let k = 0; k < 5; k++)
      changes.push({ path: path(Math.floor(random() * FILES)), text: content(random, 60) });
    await commit(`change ${c}`, changes);
  }
  await tag('v1.0.0');
  for (let c = 0; c < TO_V11; c++) {
    const changes = [];
    for (let k = 0; k < 8; k++)
      changes.push({ path: path(Math.floor(random() * FILES)), text: content(random, 60) });
    if (c % 100 === 0) changes.push({ path: `added/new${c}.ts`, text: content(random, 30) });
    if (c % 100 === 50) changes.push({ path: path(FILES - 1 - c), delete: true });
    if (c % 250 === 7) changes.push({ path: path(FILES - 2 - c), rename: `renamed/moved${c}.ts` });
    await commit(`feature ${c}`, changes);
  }
  await tag('v1.1.0');
  for (let c = 0; c < TO_V12; c++) {
    await commit(`fix ${c}`, [{ path: path(Math.floor(random() * FILES)), text: content(random, 60) }]);
  }
  await tag('v1.2.0');
  await flush();
  await stream.done();
  git(dir, 'config', 'uploadpack.allowFilter', 'true');
}

function project(dir, url) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'release-watch.config.json'),
    JSON.stringify({
      upstreams: {
        big: {
          repo: 'bench/big',
          tags: 'v*',
          source: 'git-tags',
          url,
          surfaces: { core: ['pkg00/**', 'pkg01/**'] },
          ignore: ['renamed/**'],
        },
      },
    }),
  );
  return dir;
}

const hasTime = existsSync('/usr/bin/time');
/** Runs the CLI; with /usr/bin/time, also its peak resident memory (KB). */
function cli(root, cwd, args) {
  const bin = join(root, 'bin/run.js');
  const command = hasTime ? ['/usr/bin/time', ['-f', '%M', 'node', bin, ...args]] : ['node', [bin, ...args]];
  const result = run(command[0], command[1], { cwd });
  const maxRssKb = hasTime ? Number(result.stderr.trim().split('\n').at(-1)) : undefined;
  return {
    seconds: result.seconds,
    maxRssKb,
    json: args.includes('--json') ? JSON.parse(result.stdout) : undefined,
  };
}

function rawRecipe(dir, url, filter) {
  const started = performance.now();
  run('git', ['init', '-q', '--bare', dir]);
  for (const [key, value] of [
    ['remote.origin.url', url],
    ['remote.origin.promisor', 'true'],
    ['remote.origin.partialCloneFilter', filter],
    ['extensions.partialClone', 'origin'],
    ['core.repositoryformatversion', '1'],
  ]) {
    git(dir, 'config', key, value);
  }
  git(
    dir,
    'fetch',
    '-q',
    '--no-tags',
    `--filter=${filter}`,
    'origin',
    '+refs/tags/v1.0.0:refs/tags/v1.0.0',
    '+refs/tags/v1.1.0:refs/tags/v1.1.0',
  );
  const patch = git(dir, 'diff', 'v1.0.0', 'v1.1.0').stdout;
  git(dir, 'log', '--oneline', 'v1.0.0..v1.1.0');
  return { seconds: (performance.now() - started) / 1000, patchBytes: patch.length };
}

export default async function bench({ tmp, root }) {
  // Time the CLI as npm ships it: with oclif.manifest.json (prepack writes it), so startup does not
  // import every command to discover them.
  const manifest = join(root, 'oclif.manifest.json');
  const madeManifest = !existsSync(manifest);
  if (madeManifest) run('node', [join(root, 'node_modules/oclif/bin/run.js'), 'manifest'], { cwd: root });
  try {
    return await measure(tmp, root);
  } finally {
    if (madeManifest) rmSync(manifest, { force: true });
  }
}

async function measure(tmp, root) {
  const upstream = join(tmp, 'upstream.git');
  const url = `file://${upstream}`;
  const generated = performance.now();
  await generateUpstream(upstream);
  process.stderr.write(`  generated upstream in ${((performance.now() - generated) / 1000).toFixed(1)}s\n`);
  const commits = Number(git(upstream, 'rev-list', '--count', 'v1.2.0').stdout);
  const files = Number(
    git(upstream, 'ls-tree', '-r', '--name-only', 'v1.1.0').stdout.toString().split('\n').length - 1,
  );

  const samples = { cold: [], warm: [], rawBlob: [], rawTree: [], gitDiffWarm: [], startup: [] };
  let coldJson;
  let warmJson;
  let maxRssKb;
  let startupRssKb;
  let warmRssKb;
  let patchBytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const dir = project(join(tmp, `project-${round}`), url);
    const cold = cli(root, dir, ['diff', '--from', 'v1.0.0', '--to', 'v1.1.0', '--json']);
    const warm = cli(root, dir, ['diff', '--from', 'v1.1.0', '--to', 'v1.2.0', '--json']);
    samples.cold.push(cold.seconds);
    samples.warm.push(warm.seconds);
    coldJson = cold.json;
    warmJson = warm.json;
    maxRssKb = Math.max(maxRssKb ?? 0, cold.maxRssKb ?? 0) || undefined;
    warmRssKb = Math.max(warmRssKb ?? 0, warm.maxRssKb ?? 0) || undefined;
    const blob = rawRecipe(join(tmp, `raw-blob-${round}.git`), url, 'blob:none');
    const tree = rawRecipe(join(tmp, `raw-tree-${round}.git`), url, 'tree:0');
    samples.rawBlob.push(blob.seconds);
    samples.rawTree.push(tree.seconds);
    patchBytes = blob.patchBytes;
    samples.gitDiffWarm.push(git(upstream, 'diff', 'v1.1.0', 'v1.2.0').seconds);
    const startup = cli(root, tmp, ['--version']);
    samples.startup.push(startup.seconds);
    startupRssKb = startup.maxRssKb;
  }
  const cold = median(samples.cold);
  const warm = median(samples.warm);
  const rawBlob = median(samples.rawBlob);
  const rawTree = median(samples.rawTree);
  const raw = Math.min(rawBlob, rawTree);
  const gitDiff = median(samples.gitDiffWarm);
  const startup = median(samples.startup);
  const shape = `${files} files, ${commits} commits; cold range ${coldJson.counts.files} files, ${coldJson.counts.commits} commits, ${(patchBytes / 1e6).toFixed(1)} MB patch`;
  return [
    { metric: 'raw git, blob:none', value: rawBlob, unit: 's', note: 'init + fetch 2 tags + diff + log' },
    { metric: 'raw git, tree:0', value: rawTree, unit: 's', note: 'init + fetch 2 tags + diff + log' },
    {
      metric: 'diff cold',
      value: cold,
      unit: 's',
      baseline: raw,
      ratio: cold / raw,
      note: `goal ≤ 1.5; ${shape}`,
    },
    {
      metric: 'diff warm (next tag)',
      value: warm,
      unit: 's',
      baseline: gitDiff,
      ratio: warm / gitDiff,
      note: `${warmJson.counts.files} files, ${warmJson.counts.commits} commits`,
    },
    {
      metric: 'diff warm minus git diff',
      value: warm - gitDiff,
      unit: 's',
      note: `goal < 0.5; CLI startup alone (--version) ${startup.toFixed(3)} s`,
    },
    ...(maxRssKb
      ? [
          {
            metric: 'diff cold peak memory',
            value: Math.round(maxRssKb / 1024),
            unit: 'MB',
            baseline: Math.round(warmRssKb / 1024),
            ratio: maxRssKb / warmRssKb,
            note: `max RSS, ${(patchBytes / 1e6).toFixed(1)} MB patch; baseline: the warm run's 10-file diff; \`--version\` ${Math.round(startupRssKb / 1024)} MB`,
          },
        ]
      : []),
  ];
}
