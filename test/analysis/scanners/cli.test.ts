import { describe, expect, it } from 'vitest';
import {
  CLI_GATE_LINE,
  cliGate,
  cliRule,
  cliSegments,
  rustCliNames,
} from '../../../src/analysis/scanners/cli.js';
import { jsCliNames } from '../../../src/analysis/scanners/js-cli.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { observe, scanFixture, twoReleases } from '../../helpers/scan.js';

const CLI_V1 = `use clap::Parser;

/// Codex CLI
#[derive(Debug, Parser)]
#[command(version, about = "Run [things]")]
pub struct Cli {
    /// Model the agent should use (e.g. "o3").
    #[arg(long, short = 'm')]
    pub model: Option<String>,

    #[arg(long = "full-auto", default_value_t = false, alias = "auto")]
    pub full_auto: bool,

    #[arg(
        long = "sandbox",
        short = 's',
        value_enum
    )]
    pub sandbox_mode: Option<SandboxMode>,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Positional prompt.
    pub prompt: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Run non-interactively.
    #[command(visible_alias = "e")]
    Exec(ExecCli),
    Login(LoginCli),
    #[clap(name = "mcp")]
    McpServer,
}
`;

const scan = (
  after: Record<string, string | null>,
  before: Record<string, string> = { 'cli/src/cli.rs': CLI_V1 },
) =>
  twoReleases(createFixtureRepo, before, after).then((repo) =>
    scanFixture(repo, { from: 'v1', to: 'v2', surfaces: { cli: ['cli/src/**'] }, rules: [cliRule] }),
  );

describe('cli scanner', () => {
  it('parses only the items that define the CLI and the constants they name, at their own lines', async () => {
    const text = `${CLI_V1}
const LOG_FLAG: &str = "log-level";

pub struct Config {
    pub home: String,
}

impl Config {
    pub fn load(path: &str) -> Self {
        let open = "{"; // a brace in a string
        Self { home: path.to_string() }
    }
}

pub fn command() -> Command {
    Command::new("tool")
        .arg(Arg::new("config").long(LOG_FLAG))
        .subcommand(Command::new("serve").visible_alias("s"))
}
`;
    const kept = cliSegments(text);
    expect(kept.split('\n')).toHaveLength(text.split('\n').length);
    expect(kept).toContain('pub struct Cli {');
    expect(kept).toContain('pub enum Command {');
    expect(kept).toContain('const LOG_FLAG: &str = "log-level";');
    expect(kept).toContain('Command::new("tool")');
    expect(kept).not.toContain('pub struct Config');
    expect(kept).not.toContain('impl Config');
    const full = await rustCliNames(text);
    expect(full.names.map((n) => n.name)).toEqual(expect.arrayContaining(['--log-level', 'serve', 's']));
    expect(await rustCliNames(kept)).toEqual(full);
  });

  it('reads clap flags (field name → kebab-case), short flags, aliases and subcommands', async () => {
    const { names, flattens } = await rustCliNames(CLI_V1);
    expect(names.map((n) => `${n.scope} ${n.kind} ${n.name}`).sort()).toEqual(
      [
        'Cli flag --model',
        'Cli flag -m',
        'Cli flag --full-auto',
        'Cli flag --auto',
        'Cli flag --sandbox',
        'Cli flag -s',
        'Command subcommand exec',
        'Command subcommand e',
        'Command subcommand login',
        'Command subcommand mcp',
      ].sort(),
    );
    expect(flattens).toEqual([]);
  });

  it('reports a removed clap flag with evidence at its `from` lines', async () => {
    const after = CLI_V1.replace(
      / {4}#\[arg\(\n {8}long = "sandbox",[\s\S]*?pub sandbox_mode: Option<SandboxMode>,\n\n/,
      '',
    );
    const { findings, problems } = await scan({ 'cli/src/cli.rs': after });
    expect(problems).toEqual([]);
    expect(findings).toHaveLength(1);
    // The long and the short spelling of one field went together: one finding, named by the flag.
    expect(findings[0]).toMatchObject({
      id: 'cli-flag-removed-cli-sandbox',
      title: 'CLI flag `--sandbox` (`-s`) removed from `Cli`',
      severity: 'high',
      surface: 'cli',
      verified: true,
    });
    expect(findings[0]!.description).toBe('- flag `--sandbox` (`-s`) of `Cli` removed');
    const start = CLI_V1.split('\n').findIndex((l) => l.includes('long = "sandbox"'));
    expect(findings[0]!.evidence[0]).toMatchObject({ ref: 'from', path: 'cli/src/cli.rs', startLine: start });
    expect(findings[0]!.evidence[0]!.excerpt).toContain('#[arg(');
  });

  it('reports renamed flags and removed subcommands, not a dropped doc comment or reordering', async () => {
    const after = CLI_V1.replace("#[arg(long, short = 'm')]", '#[arg(long = "model-name", short = \'m\')]')
      .replace('    Login(LoginCli),\n', '')
      .replace('    /// Positional prompt.\n', '');
    const { findings } = await scan({ 'cli/src/cli.rs': after });
    expect(findings.map((f) => [f.id, f.title])).toEqual([
      ['cli-flag-renamed-cli-model', 'CLI flag `--model` of `Cli` renamed to `--model-name`'],
      ['cli-subcommand-removed-command-login', 'CLI subcommand `login` removed from `Command`'],
    ]);
    const text = findings.map((f) => f.description).join('\n');
    expect(text).not.toContain('`-m`');
  });

  it('follows flags moved into a flattened struct in another file', async () => {
    const shared = `#[derive(Debug, clap::Args)]\npub struct Shared {\n    #[arg(long = "sandbox", short = 's')]\n    pub sandbox_mode: Option<SandboxMode>,\n}\n`;
    const after = CLI_V1.replace(
      /#\[arg\(\n {8}long = "sandbox",[\s\S]*?pub sandbox_mode: Option<SandboxMode>,/,
      '#[command(flatten)]\n    pub shared: codex_utils::Shared,',
    );
    const { findings } = await scan({ 'cli/src/cli.rs': after, 'utils/src/shared.rs': shared });
    expect(findings).toEqual([]);
  });

  it('reads only the files git grep says may define a CLI, and misses none the gates find', async () => {
    // Each defines a CLI the way a gate finds it, the call's parenthesis on the next line or after a
    // Unicode space, a derive over several lines; the last two define none.
    const files: Record<string, string> = {
      'src/derive.rs': 'use clap;\n#[derive(\n    Debug,\n    Parser,\n)]\npub struct Cli {}\n',
      'src/attr.rs': 'pub struct Cli {\n    #[arg\n    (long)]\n    pub verbose: bool,\n}\n',
      'src/builder.rs': 'fn cli() { App::with_name("x"); }\n',
      'bin/space.js': 'program.option\u00a0("--verbose");\n',
      'bin/none.js': 'const a = { ...options.headers };\n',
      'src/none.rs': '#[derive(Debug, Clone)]\npub struct ArgsLike {}\n',
    };
    const defines = Object.keys(files).filter((p) => !p.includes('none'));
    for (const path of defines) expect(cliGate(path).test(files[path]!), path).toBe(true);
    const edited = Object.fromEntries(Object.entries(files).map(([p, t]) => [p, `${t}// edited\n`]));
    const repo = await twoReleases(createFixtureRepo, files, edited);
    const scanned = await scanFixture(repo, { from: 'v1', to: 'v2', rules: [cliRule] });
    const mayDefine = await scanned.reader.filesMatching!('from', Object.keys(files), CLI_GATE_LINE);
    expect([...mayDefine].sort()).toEqual(defines.sort());
    // With git grep's answer in hand, the rule reads the `from` side of those files alone.
    const read: string[] = [];
    const reader = {
      readFile: (ref: 'from' | 'to', path: string) => {
        if (ref === 'from') read.push(path);
        return scanned.reader.readFile(ref, path);
      },
      filesMatching: async () => mayDefine,
      close: () => {},
    };
    await observe(cliRule, { ...scanned, reader });
    expect(read.sort()).toEqual(defines.sort());
  });

  it('reads yargs and commander definitions and reports a removed JS flag', async () => {
    const js = `program.option('-m, --model <name>', 'model').option('--verbose');\nyargs.option('port', { alias: ['p'] }).command('serve [dir]', 'serve');\n`;
    expect(
      jsCliNames(js, 'cli.js')
        .names.map((n) => n.name)
        .sort(),
    ).toEqual(['--model', '--port', '--verbose', '-m', '-p', 'serve'].sort());
    const scanned = await scan(
      { 'bin/cli.js': js.replace(".option('--verbose')", '') },
      { 'bin/cli.js': js },
    );
    const { findings } = scanned;
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe('medium');
    expect(findings[0]!.description).toContain('flag `--verbose` of `bin/cli.js` removed');
    expect(findings[0]!.verified).toBe(true);
    // A JS CLI that does not name its program is named by its file.
    expect(await observe(cliRule, scanned)).toMatchObject([
      { subject: 'bin/cli.js --verbose', title: 'CLI flag `--verbose` removed from `bin/cli.js`' },
    ]);
  });

  it('two flags removed from one file are two findings; one removed in a later release is a new one', async () => {
    const js = `program\n  .name('sample-host')\n  .option('--print-logs')\n  .option('-p, --port <n>')\n  .option('--host <h>');\n`;
    const repo = await twoReleases(
      createFixtureRepo,
      { 'bin/cli.js': js },
      {
        'bin/cli.js': js
          .replace("  .option('--print-logs')\n", '')
          .replace("  .option('-p, --port <n>')\n", ''),
      },
    );
    await repo.commit({ 'bin/cli.js': "program.name('sample-host');\n" }, 'v3');
    await repo.tag('v3');
    const surfaces = { cli: ['bin/**'] };
    const first = await scanFixture(repo, { from: 'v1', to: 'v2', surfaces, rules: [cliRule] });
    expect(first.findings.map((f) => [f.id, f.title])).toEqual([
      ['cli-flag-removed-sample-host-print-logs', 'CLI flag `--print-logs` removed from `sample-host`'],
      ['cli-flag-removed-sample-host-port', 'CLI flag `--port` (`-p`) removed from `sample-host`'],
    ]);
    const later = await scanFixture(repo, { from: 'v2', to: 'v3', surfaces, rules: [cliRule] });
    expect(later.findings.map((f) => f.id)).toEqual(['cli-flag-removed-sample-host-host']);
  });

  it('names the program a commander CLI gives itself, and renames in the title', async () => {
    const js = `program.name('sample-host').option('--print-logs', 'print logs').option('--port <n>');\n`;
    const scanned = await scan(
      { 'bin/cli.js': js.replace("'--print-logs'", "'--log-output'") },
      { 'bin/cli.js': js },
    );
    expect(await observe(cliRule, scanned)).toMatchObject([
      {
        kind: 'flag-removed',
        subject: 'sample-host --print-logs',
        title: 'CLI flag `--print-logs` removed from `sample-host`',
      },
    ]);
    const rust = await scan({
      'cli/src/cli.rs': CLI_V1.replace(
        "#[arg(long, short = 'm')]",
        '#[arg(long = "model-name", short = \'m\')]',
      ),
    });
    expect(await observe(cliRule, rust)).toMatchObject([
      {
        kind: 'flag-renamed',
        subject: 'Cli --model',
        title: 'CLI flag `--model` of `Cli` renamed to `--model-name`',
      },
    ]);
  });
});
