import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { upstreamsFlag } from '../cli/flags.js';
import { Errors } from '../errors.js';

export default class Check extends BaseCommand<typeof Check> {
  static summary = 'Compare the newest release of each upstream with the state and list pending tags.';
  static examples = ['<%= config.bin %> check', '<%= config.bin %> check --upstream codex --json'];
  static flags = {
    upstream: upstreamsFlag,
    'github-output': Flags.boolean({
      summary: 'Write has-updates and matrix to $GITHUB_OUTPUT (automatic when it is set).',
    }),
  };

  async run(): Promise<unknown> {
    throw Errors.notImplemented('check', 'issue 3');
  }
}
