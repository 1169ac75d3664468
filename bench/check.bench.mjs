// `release-watch check` for 2 github-releases upstreams with nothing new, against the GitHub stand-in
// started here: wall time of the whole CLI process against `node -e 0` (medians, interleaved runs in
// this same process), and the HTTP requests a cold run (no ETags yet) and a warm run (ETags) make.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { median } from './lib.mjs';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

async function timed(file, args, options) {
  const started = performance.now();
  await run(file, args, options);
  return performance.now() - started;
}

export default async function bench({ tmp, root }) {
  const { startGitHubStandIn } = await tsImport('../test/helpers/github-server.ts', import.meta.url);
  const github = await startGitHubStandIn();
  try {
    // Realistic sizes: a page of 100 releases each, the newest already reviewed.
    for (let minor = 1; minor <= 150; minor++) {
      github.repo('openai/codex').releases.push({ tag_name: `rust-v0.${minor}.0`, body: `notes ${minor}` });
      github.repo('anomalyco/opencode').releases.push({ tag_name: `v1.${minor}.0`, body: `notes ${minor}` });
    }
    writeFileSync(
      join(tmp, 'release-watch.config.json'),
      JSON.stringify({
        upstreams: {
          codex: { repo: 'openai/codex', tags: 'rust-v*' },
          opencode: { repo: 'anomalyco/opencode', tags: 'v[0-9]*' },
        },
      }),
    );
    mkdirSync(join(tmp, '.github/release-watch'), { recursive: true });
    writeFileSync(
      join(tmp, '.github/release-watch/state.json'),
      JSON.stringify({
        version: 1,
        upstreams: { codex: { lastReviewed: 'rust-v0.150.0' }, opencode: { lastReviewed: 'v1.150.0' } },
      }),
    );
    const env = { PATH: process.env.PATH, HOME: tmp, GITHUB_API_URL: github.url, NO_COLOR: '1' };
    const options = { cwd: tmp, env };
    const check = ['bin/run.js', 'check', '--json'].map((a, i) => (i === 0 ? join(root, a) : a));

    const requestsOf = async () => {
      github.requests.length = 0;
      const used = github.rateLimit.remaining;
      const { stdout } = await run('node', check, options);
      const statuses = JSON.parse(stdout).map((r) => r.status);
      if (statuses.some((s) => s !== 'up-to-date')) throw new Error(`unexpected check result: ${statuses}`);
      return { requests: github.requests.map((r) => r.status), counted: used - github.rateLimit.remaining };
    };
    const cold = await requestsOf();
    const warm = await requestsOf();

    const cli = [];
    const node = [];
    const stateShow = [];
    for (let i = 0; i < RUNS; i++) {
      node.push(await timed('node', ['-e', '0'], options));
      stateShow.push(await timed('node', [join(root, 'bin/run.js'), 'state', 'show', '--json'], options));
      cli.push(await timed('node', check, options));
    }
    const describe = ({ requests, counted }) =>
      `statuses ${requests.join(' ')}; ${counted} counted against the rate limit`;
    return [
      {
        metric: 'check wall time, 2 upstreams, nothing new (median)',
        value: median(cli),
        unit: 'ms',
        baseline: median(node),
        ratio: median(cli) / median(node),
        note: `baseline: node -e 0; ${RUNS} interleaved runs`,
      },
      {
        metric: 'for reference: state show, same config, no requests (median)',
        value: median(stateShow),
        unit: 'ms',
        baseline: median(node),
        ratio: median(stateShow) / median(node),
        note: 'CLI start-up + config + state: what check pays before its own work',
      },
      {
        metric: 'HTTP requests, cold (no ETags)',
        value: cold.requests.length,
        unit: 'requests',
        note: describe(cold),
      },
      {
        metric: 'HTTP requests, warm (ETags)',
        value: warm.requests.length,
        unit: 'requests',
        note: describe(warm),
      },
    ];
  } finally {
    await github.close();
  }
}
