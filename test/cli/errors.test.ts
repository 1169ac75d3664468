import { describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import { TWO_UPSTREAMS_JSON, tempProject } from '../helpers/project.js';

interface ErrorJson {
  error: { code: string; message: string; suggestion?: string; exitCode: number };
}

describe('errors of the CLI, with and without --json', () => {
  it.each([
    [['check', '--upstrem', 'x'], 'USAGE_INVALID', /--upstrem/, /Did you mean --upstream\?/],
    [['state', 'set', 'codex'], 'USAGE_INVALID', /Missing 1 required arg/, /state set --help/],
    [
      ['analyze', '--agent', 'claude'],
      'USAGE_INVALID',
      /--agent=claude to be one of: opencode, none/,
      /--help/,
    ],
    [['chek'], 'COMMAND_NOT_FOUND', /"chek" is not a release-watch command/, /release-watch check/],
    [['stat', 'show'], 'COMMAND_NOT_FOUND', /"stat show"/, /release-watch state show/],
  ])(
    '%j is %s, exit 2 both ways, one small JSON object under --json',
    async (args, code, message, suggestion) => {
      const cwd = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON });
      const text = await runCli(args, { cwd });
      expect(text.exitCode).toBe(2);
      expect(text.stderr).toContain(`Error [${code}]`);
      expect(text.stderr).toMatch(message);
      expect(text.stderr).toMatch(suggestion);

      const json = await runCli([...args, '--json'], { cwd });
      expect(json.exitCode).toBe(2);
      const parsed = parseJson<ErrorJson>(json);
      expect(Object.keys(parsed)).toEqual(['error']);
      expect(parsed.error).toMatchObject({ code, exitCode: 2 });
      expect(parsed.error.message).toMatch(message);
      expect(parsed.error.suggestion).toMatch(suggestion);
      // No oclif internals (the parse state, the command's config) in the output.
      expect(json.stdout.length).toBeLessThan(1000);
      expect(json.stderr).toBe('');
    },
  );
});

describe('config errors that say what is wrong and where', () => {
  const problems = async (files: Record<string, string>) => {
    const cwd = await tempProject(files);
    const result = await runCli(['state', 'show', '--json'], { cwd });
    expect(result.exitCode).toBe(2);
    return { cwd, error: parseJson<ErrorJson>(result).error };
  };

  it('unknown keys get "did you mean", a list of surfaces and a missing tags say what they are', async () => {
    const { error } = await problems({
      'release-watch.config.json': JSON.stringify({
        downstream: { minSeverty: 'low' },
        agnet: {},
        upstreams: { codex: { repo: 'openai/codex', surfaces: ['codex-rs/**'] } },
      }),
    });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('downstream.minSeverty: unknown key (did you mean "minSeverity"?)');
    expect(error.message).toContain('agnet: unknown key (did you mean "agent"?)');
    expect(error.message).toContain('upstreams.codex.surfaces: expected an object of name → globs');
    expect(error.message).toContain('upstreams.codex.tags: required');
    expect(error.message).not.toContain('surfaces: required');
  });

  it.each([
    [
      'release-watch.config.ts',
      "export default {\n  upstreams: { codex: { repo: 'a/b', tags: 'v*' } \n};\n",
      ":3:2: ',' expected",
    ],
    [
      'release-watch.config.mjs',
      "export default {\n  upstreams: { codex: { repo: 'a/b', tags: 'v*' } \n};\n",
      ":3:2: ',' expected",
    ],
    [
      'release-watch.config.json',
      '{\n  "upstreams": { "codex": { "repo": "a/b", "tags": "v*" }, }\n}\n',
      ':2:',
    ],
  ])('a syntax error in %s names file:line:column and the parser message', async (name, content, where) => {
    const { cwd, error } = await problems({ [name]: content });
    expect(error.code).toBe('CONFIG_LOAD_FAILED');
    expect(error.message).toContain(`syntax error at ${cwd}/${name}${where}`);
  });

  it('a config that throws names what it threw (and where, for JS); a missing import names the module', async () => {
    const js = await problems({
      'release-watch.config.mjs': "const a = 1;\nthrow new Error('no token here');\n",
    });
    expect(js.error.code).toBe('CONFIG_THREW');
    expect(js.error.message).toContain(`no token here (at ${js.cwd}/release-watch.config.mjs:2:7)`);
    const ts = await problems({
      'release-watch.config.ts': "throw new Error('boom');\nexport default {};\n",
    });
    expect(ts.error).toMatchObject({ code: 'CONFIG_THREW' });
    expect(ts.error.message).toContain('boom');
    const missing = await problems({
      'release-watch.config.ts': "import x from 'no-such-pkg';\nexport default x;\n",
    });
    expect(missing.error.code).toBe('CONFIG_MODULE_MISSING');
    expect(missing.error.message).toContain('"no-such-pkg"');
  });
});
