import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { renderDemo, runDemo } from '../demo/service.js';
import { Errors } from '../errors.js';

export default class Demo extends BaseCommand<typeof Demo> {
  // The demo builds its own config in its folder.
  static baseFlags = {} as typeof BaseCommand.baseFlags;
  static summary = 'Run the whole pipeline offline on a built-in sample upstream (no token, no network).';
  static description =
    'Builds a sample upstream with two releases (v1.1.0 removes a CLI flag, changes an exported hook and drops a header) ' +
    'and a sample plugin of it (a committed checkout, so its anchors are mined), serves the upstream over file://, ' +
    'and runs check, diff, analyze --agent none and report --dry-run on them.';
  static examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --dir ./demo --json'];
  static flags = {
    dir: Flags.string({ summary: 'Folder to build the demo in (default: a new temp folder).' }),
  };

  async run() {
    const result = await runDemo({ dir: this.flags.dir, json: this.jsonEnabled() });
    this.log(renderDemo(result));
    if (result.run.failed > 0) throw Errors.demoFailed(result.dir);
    return result;
  }
}
