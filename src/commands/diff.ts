import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { fromFlag, upstreamFlag } from '../cli/flags.js';
import { Errors } from '../errors.js';

export default class Diff extends BaseCommand<typeof Diff> {
  static summary = 'Fetch the upstream into the cache and write the diff artifacts for a release.';
  static examples = [
    '<%= config.bin %> diff --upstream codex',
    '<%= config.bin %> diff --tag rust-v0.139.0 --from rust-v0.138.0',
  ];
  static flags = {
    upstream: upstreamFlag,
    from: fromFlag,
    to: Flags.string({ summary: 'Compare to this tag (default: the newest pending release).' }),
  };

  async run(): Promise<unknown> {
    throw Errors.notImplemented('diff', 'issue 4');
  }
}
