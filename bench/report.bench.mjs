// Sanitizing text from upstreams and the agent, and rendering an issue body for a huge finding.
// Ratios, not times: the sanitizer against one plain regex pass over the same text, and against
// itself on 4× the input (≈4 means linear; a markdown parser's round trip was quadratic here).
import { pathToFileURL } from 'node:url';

const time = (fn, rounds = 5) => {
  fn();
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)];
};

/** Release notes as GitHub generates them: nested lists, mentions, PR links, code. */
function releaseNotes(chars) {
  const unit = [
    '## What changed',
    '- fix(auth): refresh tokens by @someone in https://github.com/o/r/pull/1234',
    '  - follow-up for #1233 and other/repo#9, see <details>x</details>',
    '- `code <span>` and **bold** ~~old~~',
    '```ts',
    'const x: Array<string> = []; // @decorator',
    '```',
    '',
  ].join('\n');
  return unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);
}

export default async ({ root }) => {
  const { sanitizeMarkdown } = await import(pathToFileURL(`${root}/dist/report/sanitize.js`).href);
  const { issueBody } = await import(pathToFileURL(`${root}/dist/report/render.js`).href);
  const small = releaseNotes(200_000);
  const large = releaseNotes(800_000);
  // Warm both sizes up first, so neither measurement pays for compiling the other.
  for (let i = 0; i < 3; i++) sanitizeMarkdown(large);
  const sanitize200 = time(() => sanitizeMarkdown(small), 9);
  const regex200 = time(() => small.replace(/@(?=\w)/g, '@\u200B'));
  const sanitize800 = time(() => sanitizeMarkdown(large), 9);

  const finding = {
    id: 'huge',
    title: 'Huge',
    severity: 'high',
    surface: 'auth',
    description: small,
    recommendation: 'r'.repeat(30_000),
    confidence: 0.5,
    source: 'agent',
    verified: true,
    evidence: Array.from({ length: 12 }, (_, i) => ({
      path: `src/f${i}.rs`,
      ref: 'to',
      startLine: 1,
      endLine: 5000,
      excerpt: 'let x = 1;\n'.repeat(5000),
    })),
  };
  const ctx = {
    upstream: 'codex',
    repo: 'o/r',
    web: 'https://gh.test/o/r',
    release: {
      from: { tag: 'v1.0.0', commit: '0'.repeat(40) },
      to: { tag: 'v1.1.0', commit: '1'.repeat(40) },
      releases: [{ tag: 'v1.1.0', version: '1.1.0', prerelease: false }],
      compareUrl: 'https://gh.test/o/r/compare/v1.0.0...v1.1.0',
      commits: 1,
    },
  };
  const marker = { fingerprint: '0123456789abcdef', upstream: 'codex', tag: 'v1.1.0' };
  let body = '';
  const render = time(() => {
    body = issueBody(finding, ctx, marker);
  }, 3);
  return [
    {
      metric: 'sanitizeMarkdown 200 kB release notes',
      value: sanitize200,
      unit: 'ms',
      baseline: regex200,
      ratio: sanitize200 / regex200,
      note: 'baseline: one regex pass',
    },
    {
      metric: 'sanitizeMarkdown 800 kB / 200 kB',
      value: sanitize800,
      unit: 'ms',
      baseline: sanitize200,
      ratio: sanitize800 / sanitize200,
      note: '≈4 is linear',
    },
    {
      metric: 'issue body for a 200 kB finding',
      value: render,
      unit: 'ms',
      baseline: sanitize200,
      ratio: render / sanitize200,
      note: `${body.length} chars (limit 65536)`,
    },
  ];
};
