import { describe, expect, it } from 'vitest';
import { wireRule, wireValues } from '../../../src/analysis/scanners/wire.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { observe, scanFixture, twoReleases } from '../../helpers/scan.js';

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

/** One Rust file of a `protocol` surface, at two releases. */
const scanModels = (before: string, after: string) =>
  twoReleases(
    createFixtureRepo,
    { 'protocol/src/models.rs': before },
    { 'protocol/src/models.rs': after },
  ).then((repo) =>
    scanFixture(repo, { from: 'v1', to: 'v2', surfaces: { protocol: ['protocol/**'] }, rules: [wireRule] }),
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

  it('reads literals as the lexer does: templates, switch labels, raw strings, char literals', () => {
    const values = (line: string, rust = true) =>
      wireValues(line, rust).map((v) => `${v.category}:${v.value}`);
    // Quotes inside a template with substitutions are its text; "@scope/pkg" is no OAuth context.
    // (codex rust-v0.135.0 gave this line two "breaking" findings: OAuth scopes `lodash` and `@scope/pkg`.)
    const kernel =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the upstream line's own template literal
      '    `Unsupported import specifier "${specifier}" in js_repl. Use a package name like "lodash" or "@scope/pkg", or a relative/absolute/file:// .js/.mjs path.`,';
    expect(values(kernel, false)).toEqual([]);
    expect(values('const u = `https://api.example.test/v1`;', false)).toEqual([
      'url:https://api.example.test/v1',
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a line of JS holding a template literal
    expect(values('const u = `${base}/v1`; const h = "x-client-version";', false)).toEqual([
      'header:x-client-version',
    ]);
    // A switch label or a ternary's branch is no object key; a key in an object or map is.
    expect(values('      case "Identifier":', false)).toEqual([]);
    expect(values('const kind = ok ? "model" : "error";', false)).toEqual([]);
    expect(values('const body = { "model": m, "input": i };', false)).toEqual([
      'json-field:model',
      'json-field:input',
    ]);
    expect(values('    "instructions": text,', false)).toEqual(['json-field:instructions']);
    // A scope list keeps its OAuth context from the code or a one-word key.
    expect(values('    scope: "openid profile email offline_access",', false)).toEqual([
      'scope:openid profile email offline_access',
    ]);
    expect(values('params.push(("scope", "openid profile email"));')).toEqual(['scope:openid profile email']);
    // Rust: a char literal holding a quote, raw and byte strings do not swallow the literals after them.
    expect(values(`let q = '"'; let u = "https://a.example.test/v1";`)).toEqual([
      'url:https://a.example.test/v1',
    ]);
    expect(values('let b = br"\\"; let u = "https://b.example.test/v1";')).toEqual([
      'url:https://b.example.test/v1',
    ]);
    expect(values('let j = r#"{"model": 1}"#; let u = "https://c.example.test";')).toEqual([
      'url:https://c.example.test',
    ]);
    expect(values("fn f<'a>(s: &'a str) -> &'a str { client.header(\"x-session\", s) }")).toEqual([
      'header:x-session',
    ]);
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
      id: 'wire-url-changed-https-chatgpt-com-backend-api-codex',
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
    // One finding per value, most severe first, each named in its title.
    expect(findings.map((f) => [f.id, f.severity, f.title])).toEqual([
      [
        'wire-oauth-changed-app-emoameez73f0ckxaxp7hrann',
        'breaking',
        'OAuth value `app_EMoamEEZ73f0CkXaXp7hrann` changed to `app_NEWclient0000000000`',
      ],
      ['wire-header-removed-originator', 'high', 'Header `originator` no longer sent'],
      ['wire-json-field-changed-instructions', 'medium', 'JSON field `instructions` changed to `input`'],
      ['wire-env-changed-codex-home', 'medium', 'Environment variable `CODEX_HOME` changed to `CODEX_DIR`'],
    ]);
    const text = findings.map((f) => f.description).join('\n');
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

  it('pairs a scope change with the new scope list, never with a URL added in the same hunk', async () => {
    const login = `pub const ISSUER: &str = "https://auth.openai.com";

pub fn authorize_url(client_id: &str, redirect_uri: &str) -> String {
    let params = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("scope", "openid profile email offline_access"),
    ];
    format!("{ISSUER}/oauth/authorize?{}", encode(&params))
}
`;
    const after = login.replace(
      '        ("scope", "openid profile email offline_access"),\n',
      '        ("audience", "https://auth.openai.com/v2"),\n        ("scope", "openid profile email offline_access api.connectors.read"),\n',
    );
    const scanned = await twoReleases(
      createFixtureRepo,
      { 'login/src/server.rs': login },
      { 'login/src/server.rs': after },
    ).then((repo) =>
      scanFixture(repo, { from: 'v1', to: 'v2', surfaces: { auth: ['login/**'] }, rules: [wireRule] }),
    );
    expect(scanned.problems).toEqual([]);
    expect(scanned.findings).toHaveLength(1);
    expect(scanned.findings[0]).toMatchObject({ severity: 'breaking', verified: true });
    expect(scanned.findings[0]!.description).not.toContain('https://auth.openai.com/v2');
    const observations = await observe(wireRule, scanned);
    expect(observations).toMatchObject([
      {
        kind: 'scope-changed',
        subject: '+api.connectors.read',
        title: 'OAuth scope `api.connectors.read` added to `openid profile email offline_access`',
        evidence: [
          { ref: 'from', startLine: 8, excerpt: '("scope", "openid profile email offline_access"),' },
          {
            ref: 'to',
            startLine: 9,
            excerpt: '("scope", "openid profile email offline_access api.connectors.read"),',
          },
        ],
      },
    ]);
    expect(observations[0]!.detail).toContain('adds `api.connectors.read`');
  });

  it('pairs values of one kind by position in the hunk and names them in titles', async () => {
    const after = CLIENT_V1.replace(
      '        .header("OpenAI-Beta", "responses=experimental")\n        .header("originator", "codex_cli_rs")\n',
      '        .header("x-codex-beta", "responses=experimental")\n        .header("x-codex-originator", "codex_cli_rs")\n',
    );
    const scanned = await scan({ 'core/src/client.rs': after });
    const observations = await observe(wireRule, scanned);
    expect(observations.map((o) => [o.kind, o.subject, o.title])).toEqual([
      ['header-changed', 'openai-beta', 'Header `OpenAI-Beta` changed to `x-codex-beta`'],
      ['header-changed', 'originator', 'Header `originator` changed to `x-codex-originator`'],
    ]);
    const removedOnly = await scan({
      'core/src/client.rs': CLIENT_V1.replace(
        '        .header("OpenAI-Beta", "responses=experimental")\n',
        '',
      ),
    });
    expect((await observe(wireRule, removedOnly)).map((o) => o.title)).toEqual([
      'Header `OpenAI-Beta` no longer sent',
    ]);
  });

  it('reads serde field names from the parsed struct: rename_all, rename, a renamed or removed field', async () => {
    const types = `use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseItem {
    /// Doc with "quotes" and { braces.
    pub session_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u64>,
    #[serde(skip)]
    pub internal: bool,
}
`;
    const after = types
      .replace('pub session_id: String', 'pub conversation_id: String')
      .replace('    #[serde(rename = "type")]\n    pub kind: String,\n', '')
      .replace('    #[serde(skip)]\n    pub internal: bool,\n', '');
    const scanned = await scanModels(types, after);
    expect(scanned.problems).toEqual([]);
    expect(scanned.findings.every((f) => f.verified)).toBe(true);
    const observations = await observe(wireRule, scanned);
    expect(observations.map((o) => [o.kind, o.subject, o.title])).toEqual([
      [
        'json-field-changed',
        'ResponseItem.sessionId',
        'JSON field `sessionId` of `ResponseItem` renamed to `conversationId`',
      ],
      ['json-field-removed', 'ResponseItem.type', 'JSON field `type` of `ResponseItem` removed'],
    ]);
    expect(observations[0]!.evidence.map((e) => [e.ref, e.startLine])).toEqual([
      ['from', 7],
      ['to', 7],
    ]);
  });

  it('calls a serde field renamed only when the new one has its type; a variant only when it has its fields', async () => {
    // codex rust-v0.116.0..rust-v0.135.0 replaced `risk_score: u8` by `user_authorization: …` and
    // `GhostSnapshot { … }` by `CompactionTrigger`: no renames, whatever their places.
    const before = `use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct Assessment {
    pub risk_score: u8,
    pub id: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    Message { text: String },
    GhostSnapshot { ghost_commit: String },
    Other,
}
`;
    const after = before
      .replace(
        'pub risk_score: u8,\n    pub id: String,',
        'pub user_authorization: Authorization,\n    pub target: String,',
      )
      .replace('GhostSnapshot { ghost_commit: String },', 'CompactionTrigger,')
      .replace('Message { text: String },', 'Note { text: String },');
    const scanned = await scanModels(before, after);
    expect(scanned.problems).toEqual([]);
    const observations = await observe(wireRule, scanned);
    expect(observations.map((o) => o.title)).toEqual([
      'JSON field `risk_score` of `Assessment` removed',
      'JSON field `id` of `Assessment` renamed to `target`',
      'JSON field `message` of `Item` renamed to `note`',
      'JSON field `ghost_snapshot` of `Item` removed',
    ]);
  });

  it('finds serde changes however little of an item a change touches (only touched items are parsed)', async () => {
    const item = (name: string, casing: string, fields: string[]) =>
      `#[derive(Serialize, Deserialize)]\n#[serde(rename_all = "${casing}")]\npub struct ${name} {\n${fields
        .map((f) => `    pub ${f}: String,\n`)
        .join('')}}\n`;
    const file = (casing: string, last: string[]) =>
      [
        'use serde::{Deserialize, Serialize};\n',
        item('Untouched', 'camelCase', ['session_id']),
        // Only its casing line changes: every field of it goes by another name.
        item('Recased', casing, ['turn_id', 'call_id']),
        'fn helper() -> u8 {\n    1\n}\n',
        // Its last field goes: the change touches only the lines around that place on the new side.
        item('Trimmed', 'camelCase', last),
      ].join('\n');
    const scanned = await scanModels(file('camelCase', ['model', 'effort']), file('snake_case', ['model']));
    expect(scanned.problems).toEqual([]);
    const observations = await observe(wireRule, scanned);
    expect(observations.map((o) => [o.kind, o.subject])).toEqual([
      ['json-field-changed', 'Recased.turnId'],
      ['json-field-changed', 'Recased.callId'],
      ['json-field-removed', 'Trimmed.effort'],
    ]);
  });
});
