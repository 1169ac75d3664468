import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { Errors } from '../errors.js';

export default class Init extends BaseCommand<typeof Init> {
  static summary = 'Scaffold the config, agent file, workflow and state file in a downstream repository.';
  static examples = ['<%= config.bin %> init', '<%= config.bin %> init --yes --force'];
  static flags = {
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask; use flags and defaults.' }),
    force: Flags.boolean({ summary: 'Overwrite existing files.' }),
  };

  async run(): Promise<unknown> {
    throw Errors.notImplemented('init', 'issue 7');
  }
}
