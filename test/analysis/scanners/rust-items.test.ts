import { describe, expect, it } from 'vitest';
import { cliRule, rustCliNames } from '../../../src/analysis/scanners/cli.js';
import { readRust } from '../../../src/analysis/scanners/rust-items.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { observe, scanFixture, twoReleases } from '../../helpers/scan.js';

/** A clap struct shaped like real ones: doc comments, cfg attributes, nested generics, raw strings, macros. */
const REAL = `use std::collections::HashMap;

const DEFAULT_PROFILE: &str = "default";
pub const LOG_FLAG: &str = "log-level";
static BANNER: &str = r#"say "hi" {"#;

macro_rules! flag_struct {
    ($name:ident) => { pub struct $name { #[arg(long)] pub hidden: bool } };
}
flag_struct!(Generated);

/// Run Codex non-interactively.
///
/// Example: \`codex exec --json "fix the bug"\` (quotes, brackets: [ { ( ).
#[derive(Debug, clap::Parser)]
#[command(name = "codex-exec", version, about = r#"Run "exec" [mode] {fast}"#)]
#[command(rename_all = "kebab-case")]
pub struct ExecCli {
    /// Config overrides: \`-c key=value\` (repeatable). Note: "a<b" and 'x'.
    #[arg(short = 'c', long = "config", value_parser = parse_kv::<String, Vec<u8>>)]
    pub config_overrides: Vec<(String, HashMap<String, Vec<Option<u8>>>)>,

    #[cfg(feature = "unstable")]
    #[arg(long, hide = true)]
    pub experimental_json: bool,

    /// Image paths, e.g. r"C:\\temp\\a.png".
    #[arg(long = "image", short = 'i', value_delimiter = ',', num_args = 1..)]
    pub images: Vec<std::path::PathBuf>,

    #[arg(long = LOG_FLAG, default_value = DEFAULT_PROFILE)]
    pub log_level: String,

    #[arg(long, default_value_t = 1 << 20, help = concat!("max ", "bytes"))]
    pub max_output_bytes: usize,

    #[arg(long, visible_alias = "skip-git", help = br"\\")]
    pub skip_git_repo_check: bool,

    #[command(subcommand)]
    pub command: Option<Sub>,

    /// The prompt (positional).
    pub prompt: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
#[command(rename_all = "snake_case")]
pub enum Sub {
    /// Resume a session.
    ResumeLast,
    #[command(name = "review", alias = "r")]
    CodeReview(ReviewArgs),
    #[command(skip)]
    Internal,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wire {
    pub session_id: String,
    #[serde(rename = "type")]
    pub kind: String,
}

pub fn cli() -> Command {
    Command::new("mcp")
        .about("MCP tools")
        .arg(Arg::new("port").long("port").short('p').alias("listen"))
        .arg(Arg::new("config").long(LOG_FLAG))
        .arg(Arg::new("positional"))
        .subcommand(Command::new("serve").visible_alias("s").arg(Arg::new("stdio").long("stdio")))
}
`;

describe('Rust items (tree-sitter)', () => {
  it('reads structs, enums, attributes and string constants through doc comments, cfg, generics, raw strings and macros', async () => {
    const { items, constants } = await readRust(REAL);
    expect(items.map((i) => `${i.kind} ${i.name}`)).toEqual(['struct ExecCli', 'enum Sub', 'struct Wire']);
    expect(items[0]!.members.map((m) => m.name)).toEqual([
      'config_overrides',
      'experimental_json',
      'images',
      'log_level',
      'max_output_bytes',
      'skip_git_repo_check',
      'command',
      'prompt',
    ]);
    expect(items[0]!.members[0]!.type).toBe('Vec<(String, HashMap<String, Vec<Option<u8>>>)>');
    expect(items[1]!.members.map((m) => m.name)).toEqual(['ResumeLast', 'CodeReview', 'Internal']);
    expect(Object.fromEntries(constants)).toEqual({
      DEFAULT_PROFILE: 'default',
      LOG_FLAG: 'log-level',
      BANNER: 'say "hi" {',
    });
    // The member's lines start at its first attribute (doc comments above are not part of it).
    const lines = REAL.split('\n');
    const images = items[0]!.members[2]!;
    expect(lines[images.startLine - 1]).toContain('#[arg(long = "image"');
    expect(lines[images.endLine - 1]).toContain('pub images:');
  });

  it('reads clap derive and builder definitions of a real-shaped CLI', async () => {
    const { names } = await rustCliNames(REAL);
    expect(names.map((n) => `${n.program ?? '-'} | ${n.scope} ${n.kind} ${n.name}`).sort()).toEqual(
      [
        'codex-exec | ExecCli flag -c',
        'codex-exec | ExecCli flag --config',
        'codex-exec | ExecCli flag --experimental-json',
        'codex-exec | ExecCli flag --image',
        'codex-exec | ExecCli flag -i',
        'codex-exec | ExecCli flag --log-level',
        'codex-exec | ExecCli flag --max-output-bytes',
        'codex-exec | ExecCli flag --skip-git-repo-check',
        'codex-exec | ExecCli flag --skip-git',
        '- | Sub subcommand resume_last',
        '- | Sub subcommand review',
        '- | Sub subcommand r',
        'mcp | mcp flag --port',
        'mcp | mcp flag --listen',
        'mcp | mcp flag -p',
        'mcp | mcp flag --log-level',
        'mcp | mcp subcommand serve',
        'mcp | mcp subcommand s',
        'mcp serve | mcp serve flag --stdio',
      ].sort(),
    );
  });

  it('counts `1 << 20` in an attribute as a shift, not generics: the next flag stays', async () => {
    const text = `#[derive(Parser)]\npub struct Cli {\n    #[arg(long, default_value_t = 1 << 20)]\n    pub max_bytes: usize,\n    #[arg(long)]\n    pub next_flag: bool,\n}\n`;
    expect((await rustCliNames(text)).names.map((n) => n.name)).toEqual(['--max-bytes', '--next-flag']);
  });

  it('reads past a raw byte string ending in a backslash (`br"\\"`): the rest of the struct stays', async () => {
    const text = `#[derive(Parser)]\npub struct Cli {\n    #[arg(long, help = br"\\")]\n    pub raw: bool,\n    #[arg(long = "after")]\n    pub after: bool,\n}\n`;
    expect((await rustCliNames(text)).names.map((n) => n.name)).toEqual(['--raw', '--after']);
  });
});

const CLI_V1 = `#[derive(Debug, Parser)]
#[command(name = "codex")]
pub struct Cli {
    #[arg(long)]
    pub model: Option<String>,

    #[arg(long = "next")]
    pub next_flag: bool,

    #[arg(long = "last")]
    pub last: bool,
}
`;

const scan = (after: string) =>
  twoReleases(createFixtureRepo, { 'cli/src/main.rs': CLI_V1 }, { 'cli/src/main.rs': after }).then((repo) =>
    scanFixture(repo, { from: 'v1', to: 'v2', surfaces: { cli: ['cli/src/**'] }, rules: [cliRule] }),
  );

describe('cli scanner on Rust that defeated the regex reader', () => {
  it('no false "flag removed" when a flag with `default_value_t = 1 << 20` is added', async () => {
    const after = CLI_V1.replace(
      '    #[arg(long = "next")]',
      '    #[arg(long, default_value_t = 1 << 20)]\n    pub max_bytes: usize,\n\n    #[arg(long = "next")]',
    );
    const { findings, problems } = await scan(after);
    expect(problems).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('no false "flag removed" when a field with `br"\\"` is added', async () => {
    const after = CLI_V1.replace(
      '    #[arg(long = "next")]',
      '    #[arg(long, help = br"\\")]\n    pub raw: bool,\n\n    #[arg(long = "next")]',
    );
    const { findings, problems } = await scan(after);
    expect(problems).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('still reports the flag that is removed, named with its program', async () => {
    const after = CLI_V1.replace('    #[arg(long = "next")]\n    pub next_flag: bool,\n\n', '');
    const scanned = await scan(after);
    expect(scanned.findings).toHaveLength(1);
    expect(scanned.findings[0]!.description).toContain('flag `--next` of `codex` removed');
    expect(scanned.findings[0]!.verified).toBe(true);
    expect(await observe(cliRule, scanned)).toMatchObject([
      { kind: 'flag-removed', subject: 'codex --next', title: 'CLI flag `--next` removed from `codex`' },
    ]);
  });
});
