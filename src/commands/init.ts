import { resolve } from 'node:path';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { terminalPrompter } from '../init/prompt.js';
import { renderInitResult } from '../init/render.js';
import { initProject } from '../init/service.js';

export default class Init extends BaseCommand<typeof Init> {
  // init writes a config; it reads none.
  static baseFlags = {} as typeof BaseCommand.baseFlags;
  static summary = 'Scaffold the config, agent file, workflow and state file in a downstream repository.';
  static description =
    'Without --upstream it proposes the upstreams the project names: GitHub repositories in its tracked code (raw/blob URLs, github.com links) and of the packages it imports or peers on, each with the tag pattern its tags follow and surfaces for the files it uses. In a terminal it asks about each; with --yes, or when stdin is not a terminal, it takes them (and fails if there are none). Adds .release-watch/ to .gitignore. Existing files are never overwritten without --force.';
  static examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --yes',
    "<%= config.bin %> init --yes --upstream 'codex=openai/codex:rust-v*' --upstream 'opencode=sst/opencode:v[0-9]*'",
    '<%= config.bin %> init --dir ../my-plugin --downstream me/my-plugin --model anthropic/claude-sonnet-4-5 --yes --json',
  ];
  static flags = {
    dir: Flags.string({ char: 'd', summary: 'Repository to set up (default: the current folder).' }),
    upstream: Flags.string({
      char: 'u',
      multiple: true,
      summary: 'Upstream to watch, as [ID=]OWNER/NAME[:TAG-PATTERN] (repeatable).',
      description: 'The ID defaults to the repository name, the tag pattern to v[0-9]*.',
    }),
    downstream: Flags.string({
      summary: 'Repository to file issues in, as OWNER/NAME.',
      description:
        'Default: GITHUB_REPOSITORY, else the "origin" remote; left out, issues go to the repository the workflow runs in.',
    }),
    model: Flags.string({
      char: 'm',
      summary: 'Model for the agent, as provider/model: written to agent.model in the config.',
    }),
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask; use flags and defaults.' }),
    force: Flags.boolean({
      summary: 'Overwrite existing files (the state file keeps its last-reviewed tags).',
    }),
  };

  async run() {
    const ask = !this.flags.yes && Boolean(process.stdin.isTTY);
    const result = await initProject({
      dir: resolve(this.flags.dir ?? '.'),
      upstreams: this.flags.upstream,
      downstream: this.flags.downstream,
      model: this.flags.model,
      force: this.flags.force,
      prompter: ask ? terminalPrompter() : undefined,
    });
    if (!this.jsonEnabled()) this.log(renderInitResult(result));
    return result;
  }
}
