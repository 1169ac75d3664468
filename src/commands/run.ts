import { BaseCommand } from '../cli/base.js';
import { agentFlag, dryRunFlag, upstreamsFlag } from '../cli/flags.js';
import { Errors } from '../errors.js';

export default class Run extends BaseCommand<typeof Run> {
  static summary = 'Check every upstream and, for each new release, diff, analyze and report.';
  static examples = [
    '<%= config.bin %> run',
    '<%= config.bin %> run --upstream codex --dry-run --agent none',
  ];
  static flags = { upstream: upstreamsFlag, 'dry-run': dryRunFlag, agent: agentFlag };

  async run(): Promise<unknown> {
    throw Errors.notImplemented('run', 'issue 7');
  }
}
