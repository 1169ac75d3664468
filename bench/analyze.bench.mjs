// `release-watch analyze --agent none` on a big release range: a real git repository (built here with
// `git fast-import`) whose v1 → v2 diff has 3,000 files of Rust and TypeScript (~37 MB of patch), with
// serde structs, clap CLIs, URLs, headers and exported TypeScript APIs changing in it. The diff stage
// runs once (not timed); then analyze runs ROUNDS times in a fresh node each, and its median time and
// peak RSS are compared with a plain stream read of the same diff.patch in the same run.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fastImport, median, run as runCommand } from './lib.mjs';

const FILES = Number(process.env.BENCH_FILES ?? 3_000);
const RUST_EVERY = 5; // 3 of 5 files are Rust
const CLI_EVERY = 60;
const BLOCKS = 16; // items per file; each changes in v2
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const run = (cmd, args, options = {}) => runCommand(cmd, args, { encoding: 'utf8', ...options });

const isRust = (i) => i % RUST_EVERY < 3;
const pathOf = (i) =>
  isRust(i)
    ? `codex-rs/crate${String(i % 40).padStart(2, '0')}/src/mod${i % 7}/file${i}.rs`
    : `sdk/pkg${String(i % 30).padStart(2, '0')}/src/part${i % 5}/file${i}.ts`;

/** One Rust item: a serde struct with a method; `v` (0 = v1, 1 = v2) moves numbers, names and a field. */
function rustBlock(k, v) {
  const field = v && k % 6 === 0 ? 'conversation_id' : 'session_id';
  return `#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item${k} {
    pub ${field}: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub values: Vec<Option<HashMap<String, u64>>>,
}

impl Item${k} {
    pub fn compute_${k}(&self, input: &str) -> Result<String, Error> {
        let url = format!("{}/v${1 + v}/items/{}", ENDPOINT_${k % 3}, input);
        let total = self.values.iter().flatten().map(|m| m.len()).sum::<usize>() + ${k * 3 + v};
        let limit = 1 << ${10 + v}; // shift, not generics
        tracing::debug!("item {} total {} limit {}", self.${field}, total, limit);
${v ? `        let header = ("x-codex-item-${k}", r#"raw "value" ${k}"#);\n` : ''}        Ok(format!("{url}?total={total}&limit={limit}"))
    }
}

`;
}

function rustFile(i, v) {
  let text = `use std::collections::HashMap;\nuse serde::{Deserialize, Serialize};\n\n`;
  for (let e = 0; e < 3; e++)
    text += `pub const ENDPOINT_${e}: &str = "https://api${e}.example.test/${v && e === 0 ? 'v2' : 'v1'}/f${i}";\n`;
  text += '\n';
  if (i % CLI_EVERY === 0) {
    text += `#[derive(Debug, clap::Parser)]\n#[command(name = "tool${i}")]\npub struct Cli {\n    #[arg(long, default_value_t = 1 << 20)]\n    pub max_bytes: usize,\n`;
    text += `    #[arg(long = "print-logs")]\n    pub print_logs: bool,\n`;
    if (!v) text += `    #[arg(long, short = 'o')]\n    pub old_flag: bool,\n`;
    text += '}\n\n';
  }
  for (let k = 0; k < BLOCKS; k++) text += rustBlock(k, v);
  return text;
}

function tsBlock(k, v) {
  return `export interface Options${k} {
  baseUrl: string;
  timeoutMs?: number;
  headers: Record<string, string>;
}

export async function fetch${k}(options: Options${k}, id: string${v && k % 8 === 0 ? ', signal?: AbortSignal' : ''}): Promise<unknown> {
  const url = \`\${options.baseUrl}/v${1 + v}/items/\${id}\`;
  const response = await fetch(url, { headers: { 'x-request-id': id, ...options.headers } });
  if (!response.ok) throw new Error(\`request ${k} failed: \${response.status}\`);
  const body = (await response.json()) as { items: Array<{ id: string; total: number }> };
  return body.items.filter((item) => item.total > ${k + v}).map((item) => item.id);
}

`;
}

function tsFile(i, v) {
  let text = `// Generated module ${i}.\nimport { helper } from './helper.js';\n\nexport const VERSION = '${v ? '2' : '1'}.0.${i}';\n\n`;
  for (let k = 0; k < BLOCKS; k++) text += tsBlock(k, v);
  return text;
}

export async function generateUpstream(dir) {
  const { write, done } = fastImport(dir);
  let mark = 0;
  const commit = async (message, files) => {
    mark += 1;
    let text = `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.test> ${1_750_000_000 + mark * 60} +0000\ndata ${message.length}\n${message}\n`;
    if (mark > 1) text += `from :${mark - 1}\n`;
    await write(text);
    for (const [path, content] of files)
      await write(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  };
  const all = (v) =>
    Array.from({ length: FILES }, (_, i) => [pathOf(i), isRust(i) ? rustFile(i, v) : tsFile(i, v)]);
  await commit('v1', all(0));
  await write(`reset refs/tags/v1\nfrom :${mark}\n\n`);
  // The range holds a few commits, as a release range does.
  const next = all(1);
  for (let c = 0; c < 10; c++)
    await commit(
      `change ${c}`,
      next.filter((_, i) => i % 10 === c),
    );
  await write(`reset refs/tags/v2\nfrom :${mark}\n\n`);
  await done();
}

/** Runs a node script and reads its own peak RSS, written at exit by a preloaded hook. */
function nodeWithRss(args, options) {
  const rssFile = join(options.tmp, `rss-${process.hrtime.bigint()}.txt`);
  const hook = join(options.tmp, 'rss-hook.mjs');
  writeFileSync(
    hook,
    `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
  );
  const result = run(process.execPath, ['--import', pathToFileURL(hook).href, ...args], { cwd: options.cwd });
  return { ms: result.ms, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024, stdout: result.stdout };
}

const BASELINE = `
import { createReadStream } from 'node:fs';
let lines = 0;
for await (const chunk of createReadStream(process.argv[1])) for (const b of chunk) if (b === 10) lines++;
console.log(lines);
`;

export default async function analyzeBench({ tmp, root }) {
  const upstream = join(tmp, 'upstream.git');
  await generateUpstream(upstream);
  const project = join(tmp, 'project');
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'release-watch.config.json'),
    JSON.stringify({
      upstreams: {
        big: {
          repo: 'bench/big',
          tags: 'v*',
          source: 'git-tags',
          url: `file://${upstream}`,
          surfaces: {
            core: ['codex-rs/crate0[0-3]/**'],
            sdk: ['sdk/pkg0[3-4]/**'],
          },
        },
      },
    }),
  );
  const bin = join(root, 'bin/run.js');
  run(process.execPath, [bin, 'diff', '--upstream', 'big', '--from', 'v1', '--to', 'v2', '--json'], {
    cwd: project,
  });
  const patch = join(project, '.release-watch/artifacts/big/v2/diff.patch');
  const sizeMb = statSync(patch).size / 1024 / 1024;
  const reads = [];
  const analyses = [];
  let findings = 0;
  for (let r = 0; r < ROUNDS; r++) {
    reads.push(nodeWithRss(['--input-type=module', '-e', BASELINE, patch], { cwd: project, tmp }));
    const analysis = nodeWithRss(
      [bin, 'analyze', '--upstream', 'big', '--tag', 'v2', '--agent', 'none', '--json'],
      {
        cwd: project,
        tmp,
      },
    );
    findings = JSON.parse(analysis.stdout).findings?.total ?? findings;
    analyses.push(analysis);
  }
  rmSync(upstream, { recursive: true, force: true });
  const read = { ms: median(reads.map((r) => r.ms)), rssMb: median(reads.map((r) => r.rssMb)) };
  const analyze = { ms: median(analyses.map((r) => r.ms)), rssMb: median(analyses.map((r) => r.rssMb)) };
  const lines = reads[0].stdout.trim();
  return [
    {
      metric: 'stream read of diff.patch',
      value: read.ms,
      unit: 'ms',
      note: `${sizeMb.toFixed(1)} MB, ${lines} lines, ${FILES} files`,
    },
    {
      metric: 'analyze --agent none',
      value: analyze.ms,
      unit: 'ms',
      baseline: read.ms,
      ratio: analyze.ms / read.ms,
      note: `goal <= 3000 ms; ${findings} findings; median of ${ROUNDS}`,
    },
    { metric: 'peak RSS, stream read', value: read.rssMb, unit: 'MB' },
    {
      metric: 'peak RSS, analyze --agent none',
      value: analyze.rssMb,
      unit: 'MB',
      baseline: read.rssMb,
      ratio: analyze.rssMb / read.rssMb,
      note: 'goal <= 256 MB',
    },
  ];
}
