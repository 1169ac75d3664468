import * as Args from '@oclif/core/args';
import { BaseCommand } from '../../cli/base.js';
import { resetState } from '../../state/service.js';

export default class StateReset extends BaseCommand<typeof StateReset> {
  static summary =
    'Clear the last-reviewed tag of an upstream; the next run reviews its newest release as a baseline.';
  static examples = ['<%= config.bin %> state reset codex'];
  static args = { id: Args.string({ description: 'Upstream ID from the config.', required: true }) };

  async run() {
    const result = await resetState(await this.projectConfig(), this.args.id);
    this.log(`${result.id}: last reviewed cleared`);
    return result;
  }
}
