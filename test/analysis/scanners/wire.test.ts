import { describe, expect, it } from 'vitest';
import { wireRule, wireValues } from '../../../src/analysis/scanners/wire.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { scanFixture, twoReleases } from '../../helpers/scan.js';

const CLIENT_V1 = `pub const CLIENT_ID: &str = "app_EMoamEEZ73f0CkXaXp7hrann";
const BASE_URL: &str = "https://chatgpt.com/backend-api/codex";

fn request(client: &Client) -> RequestBuilder {
    // The endpoint: "https://old.example.test/v1" (comment only)
    client
        .post(format!("{BASE_URL}/responses"))
        .header("OpenAI-Beta", "responses=experimental")
        .header("originator", "codex_cli_rs")
        .json(&json!({ "model": model, "instructions": text }))
}

fn home() -> Option<String> {
    std::env::var("CODEX_HOME").ok()
}
`;

/** Unit tests inside a source file: their literals are not wire values. */
const LIB = `pub fn run() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn url() {\n        let u = "https://old.example.test/v1";\n    }\n}\n`;

const scan = (after: Record<string, string | null>, extra: Record<string, string> = {}) =>
  twoReleases(createFixtureRepo, { 'core/src/client.rs': CLIENT_V1, ...extra }, after).then((repo) =>
    scanFixture(repo, {
      from: 'v1',
      to: 'v2',
      surfaces: { endpoints: ['core/src/client.rs'] },
      rules: [wireRule],
    }),
  );

describe('wire scanner', () => {
  it('sorts string literals into URLs, headers, env vars, OAuth values and JSON fields', () => {
    const values = (line: string, rust = true) =>
      wireValues(line, rust).map((v) => `${v.category}:${v.value}`);
    expect(values('pub const CLIENT_ID: &str = "app_EMoam";')).toEqual(['oauth:app_EMoam']);
    expect(values('    .header("originator", "codex_cli_rs")')).toEqual(['header:originator']);
    expect(values('let u = "https://api.example.test/v1";')).toEqual(['url:https://api.example.test/v1']);
    expect(values('std::env::var("CODEX_HOME")')).toEqual(['env:CODEX_HOME']);
    expect(values('json!({ "model": m })')).toEqual(['json-field:model']);
    expect(values('#[serde(rename = "input", rename_all = "snake_case")]')).toEqual(['json-field:input']);
    expect(values('const key = process.env.OPENAI_API_KEY;', false)).toEqual(['env:OPENAI_API_KEY']);
    expect(values('// "https://x.example.test" in a comment')).toEqual([]);
    expect(values('let p = PathBuf::from("/tmp/a.jsonl"); // request')).toEqual([]);
  });

  it('reports a changed URL with the old and the new line as evidence', async () => {
    const after = CLIENT_V1.replace(
      'https://chatgpt.com/backend-api/codex',
      'https://chatgpt.com/backend-api/codex/v2',
    );
    const { findings, problems } = await scan({ 'core/src/client.rs': after });
    expect(problems).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'wire-endpoints-url-changed-core-src-client-rs',
      severity: 'high',
      verified: true,
      evidence: [
        { ref: 'from', startLine: 2, endLine: 2 },
        { ref: 'to', startLine: 2, endLine: 2 },
      ],
    });
    expect(findings[0]!.description).toContain(
      'URL `https://chatgpt.com/backend-api/codex` → `https://chatgpt.com/backend-api/codex/v2`',
    );
  });

  it('reports removed headers, env vars, OAuth client ids and JSON fields (max severity)', async () => {
    const after = CLIENT_V1.replace('        .header("originator", "codex_cli_rs")\n', '')
      .replace('"app_EMoamEEZ73f0CkXaXp7hrann"', '"app_NEWclient0000000000"')
      .replace('"CODEX_HOME"', '"CODEX_DIR"')
      .replace('"instructions": text', '"input": text');
    const { findings } = await scan({ 'core/src/client.rs': after });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe('breaking');
    const text = findings[0]!.description;
    expect(text).toContain('header `originator` removed');
    expect(text).toContain('OAuth value `app_EMoamEEZ73f0CkXaXp7hrann` → `app_NEWclient0000000000`');
    expect(text).toContain('environment variable `CODEX_HOME` → `CODEX_DIR`');
    expect(text).toContain('JSON field `instructions` → `input`');
  });

  it('ignores comment-only changes, values added back elsewhere, and test files', async () => {
    const after = CLIENT_V1.replace('https://old.example.test/v1', 'https://new.example.test/v2').replace(
      '        .header("originator", "codex_cli_rs")\n',
      '        .header(ORIGINATOR, "codex_cli_rs")\n',
    );
    const { findings } = await scan(
      {
        'core/src/client.rs': after,
        'core/src/headers.rs': 'pub const ORIGINATOR: &str = "Originator"; // header name\n',
        'core/tests/suite.rs': 'fn t() { let h = "x-test-header"; }\n',
        'core/src/lib.rs': LIB.replace('https://old.example.test', 'https://new.example.test'),
      },
      { 'core/tests/suite.rs': 'fn t() { let h = "x-old-header"; }\n', 'core/src/lib.rs': LIB },
    );
    expect(findings).toEqual([]);
  });
});
