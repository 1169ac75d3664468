import { BaseCommand } from '../cli/base.js';
import { dryRunFlag, tagFlag, upstreamFlag } from '../cli/flags.js';
import { Errors } from '../errors.js';

export default class Report extends BaseCommand<typeof Report> {
  static summary = 'File or update GitHub issues for the findings, write report.md, then advance the state.';
  static examples = [
    '<%= config.bin %> report --tag rust-v0.139.0 --dry-run',
    '<%= config.bin %> report --upstream codex --json',
  ];
  static flags = { upstream: upstreamFlag, tag: tagFlag, 'dry-run': dryRunFlag };

  async run(): Promise<unknown> {
    throw Errors.notImplemented('report', 'issue 6');
  }
}
