import { describe, expect, it } from 'vitest';
import { cliRule, rustCliNames } from '../../../src/analysis/scanners/cli.js';
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
    expect(findings[0]).toMatchObject({
      id: 'cli-cli-flag-removed-cli-src-cli-rs',
      severity: 'high',
      surface: 'cli',
      verified: true,
    });
    expect(findings[0]!.description).toContain('flag `--sandbox` of `Cli` removed');
    expect(findings[0]!.description).toContain('flag `-s` of `Cli` removed');
    const start = CLI_V1.split('\n').findIndex((l) => l.includes('long = "sandbox"'));
    expect(findings[0]!.evidence[0]).toMatchObject({ ref: 'from', path: 'cli/src/cli.rs', startLine: start });
    expect(findings[0]!.evidence[0]!.excerpt).toContain('#[arg(');
  });

  it('reports renamed flags and removed subcommands, not a dropped doc comment or reordering', async () => {
    const after = CLI_V1.replace("#[arg(long, short = 'm')]", '#[arg(long = "model-name", short = \'m\')]')
      .replace('    Login(LoginCli),\n', '')
      .replace('    /// Positional prompt.\n', '');
    const { findings } = await scan({ 'cli/src/cli.rs': after });
    const text = findings.map((f) => f.description).join('\n');
    expect(text).toContain('flag `--model` of `Cli` renamed to `--model-name`');
    expect(text).toContain('subcommand `login` of `Command` removed');
    expect(text).not.toContain('flag `-m`');
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
    expect(findings[0]!.description).toContain('flag `--verbose` of `js` removed');
    expect(findings[0]!.verified).toBe(true);
    expect(await observe(cliRule, scanned)).toMatchObject([
      { subject: 'js --verbose', title: 'CLI flag `--verbose` removed from `js`' },
    ]);
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
