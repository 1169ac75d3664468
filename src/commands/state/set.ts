import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../../cli/base.js';
import { setState } from '../../state/service.js';

export default class StateSet extends BaseCommand<typeof StateSet> {
  static summary = 'Record TAG as the last reviewed release of an upstream (rewind or skip ahead).';
  static examples = [
    '<%= config.bin %> state set codex rust-v0.130.0',
    '<%= config.bin %> state set opencode v1.2.0 --json',
  ];
  static args = {
    id: Args.string({ description: 'Upstream ID from the config.', required: true }),
    tag: Args.string({ description: "Release tag; must match the upstream's tag pattern.", required: true }),
  };
  static flags = {
    force: Flags.boolean({ summary: "Record the tag even if it does not match the upstream's tag pattern." }),
  };

  async run() {
    const result = await setState(await this.projectConfig(), this.args.id, this.args.tag, {
      force: this.flags.force,
    });
    this.log(`${result.id}: last reviewed is now ${result.lastReviewed}`);
    return result;
  }
}
