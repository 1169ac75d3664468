// context.md on a generated 30 MB / 700k-line diff: time and peak memory (child processes, so RSS is
// each run's own) against plain reads of the same file, and how many surface files land in the budget.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILES = 3_500;
const SURFACE_EVERY = 70; // 50 surface files
const LOCK_EVERY = 500; // a few huge lockfiles

/** A synthetic `git diff`: mostly code hunks, some surface files, lockfiles, deletion-only hunks. */
async function generate(dir) {
  const patch = join(dir, 'diff.patch');
  const out = createWriteStream(patch);
  const files = [];
  const write = async (text) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  for (let f = 0; f < FILES; f++) {
    const surface = f % SURFACE_EVERY === 0;
    const lock = !surface && f % LOCK_EVERY === 1;
    const path = surface
      ? `packages/plugin/src/hooks/file-${f}.ts`
      : lock
        ? `pkg-${f}/package-lock.json`
        : `packages/app-${f % 40}/src/module-${f}.ts`;
    let text = `diff --git a/${path} b/${path}\nindex 1111111..2222222 100644\n--- a/${path}\n+++ b/${path}\n`;
    let additions = 0;
    let deletions = 0;
    const hunks = lock ? 60 : 4;
    for (let h = 0; h < hunks; h++) {
      const start = 1 + h * 100;
      const deletionOnly = h === 3;
      const removed = deletionOnly ? 30 : 8;
      const added = deletionOnly ? 0 : 41;
      text += `@@ -${start},${removed + 3} +${start},${added + 3} @@ export function f${h}() {\n`;
      for (let i = 0; i < 3; i++) text += ` const context${i} = value${i}; // unchanged line\n`;
      for (let i = 0; i < removed; i++) text += `-  const old${i} = legacy(${i}, "/v1/x");\n`;
      for (let i = 0; i < added; i++) text += `+  const next${i} = compute(${i}, options.value${i});\n`;
      additions += added;
      deletions += removed;
    }
    await write(text);
    files.push({
      path,
      status: 'modified',
      additions,
      deletions,
      binary: false,
      surfaces: surface ? ['plugin-hooks'] : [],
      ignored: false,
    });
  }
  out.end();
  await once(out, 'finish');
  const filesJson = join(dir, 'files.json');
  writeFileSync(filesJson, JSON.stringify({ schemaVersion: 1, from: 'v1', to: 'v2', files }));
  return { patch, filesJson, surfaceFiles: files.filter((f) => f.surfaces.length > 0).length };
}

/** Runs `code` in a fresh node and returns its JSON answer, with its wall time and peak RSS. */
function child(code, args) {
  const started = performance.now();
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code, ...args], {
    encoding: 'utf8',
  });
  return { ...JSON.parse(out), ms: performance.now() - started };
}

const BASELINE = `
import { createReadStream } from 'node:fs';
let lines = 0;
for await (const chunk of createReadStream(process.argv[1])) for (const b of chunk) if (b === 10) lines++;
console.log(JSON.stringify({ lines, rssMb: process.resourceUsage().maxRSS / 1024 }));
`;

const contextRun = (root, rules) => `
import { readFileSync } from 'node:fs';
import { scanDiff } from '${join(root, 'dist/analysis/pass.js')}';
import { RULES } from '${join(root, 'dist/analysis/scanners/index.js')}';
const [patchFile, filesFile] = process.argv.slice(1);
const files = JSON.parse(readFileSync(filesFile, 'utf8')).files;
const upstream = { repo: 'o/up', tags: 'v*', source: 'git-tags', prereleases: false, surfaces: { 'plugin-hooks': ['packages/plugin/src/**'] }, ignore: [] };
const reader = { readFile: async () => undefined };
const rules = ${rules ? 'RULES' : '[]'};
const { context, findings } = await scanDiff({ patchFile, files, upstream, reader, maxChars: 400000, rules });
const release = { schemaVersion: 1, upstream: 'up', repo: 'o/up', url: '', from: { tag: 'v1', commit: 'a'.repeat(40) }, to: { tag: 'v2', commit: 'b'.repeat(40) }, releases: [], compareUrl: '', commits: 1, generatedAt: '' };
const { text, coverage } = context.render({ upstreamId: 'up', upstream, release, findings });
const left = new Set(coverage.notIncluded.filter((f) => !/after/.test(f.reason)).map((f) => f.path));
const surfaceIn = files.filter((f) => f.surfaces.length > 0 && !left.has(f.path)).length;
console.log(JSON.stringify({ chars: text.length, filesInContext: coverage.filesInContext, surfaceIn, findings: findings.length, rssMb: process.resourceUsage().maxRSS / 1024 }));
`;

export default async function contextBench({ tmp, root }) {
  const { patch, filesJson, surfaceFiles } = await generate(tmp);
  const sizeMb = statSync(patch).size / 1024 / 1024;
  const wcStarted = performance.now();
  const wc = Number(execFileSync('wc', ['-l', patch], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
  const wcMs = performance.now() - wcStarted;
  const read = child(BASELINE, [patch]);
  const context = child(contextRun(root, false), [patch, filesJson]);
  const scanned = child(contextRun(root, true), [patch, filesJson]);
  const note = `${sizeMb.toFixed(1)} MB, ${wc} lines, ${FILES} files`;
  return [
    { metric: 'wc -l', value: wcMs, unit: 'ms', note },
    { metric: 'stream read (node)', value: read.ms, unit: 'ms', note: `${read.lines} lines` },
    {
      metric: 'context.md build',
      value: context.ms,
      unit: 'ms',
      baseline: read.ms,
      ratio: context.ms / read.ms,
      note: 'goal < 3000 ms',
    },
    {
      metric: 'context + scanners',
      value: scanned.ms,
      unit: 'ms',
      baseline: read.ms,
      ratio: scanned.ms / read.ms,
      note: `${scanned.findings} findings (no repo reads)`,
    },
    { metric: 'peak RSS, stream read', value: read.rssMb, unit: 'MB' },
    {
      metric: 'peak RSS, context.md build',
      value: context.rssMb,
      unit: 'MB',
      baseline: read.rssMb,
      ratio: context.rssMb / read.rssMb,
      note: 'goal < 512 MB',
    },
    {
      metric: 'peak RSS, context + scanners',
      value: scanned.rssMb,
      unit: 'MB',
      baseline: read.rssMb,
      ratio: scanned.rssMb / read.rssMb,
    },
    { metric: 'context.md size', value: context.chars, unit: 'chars', note: 'budget 400000' },
    {
      metric: 'files with hunks in context',
      value: context.filesInContext,
      unit: 'files',
      note: `of ${FILES}`,
    },
    {
      metric: 'surface files in context',
      value: context.surfaceIn,
      unit: 'files',
      note: `of ${surfaceFiles}`,
    },
  ];
}
