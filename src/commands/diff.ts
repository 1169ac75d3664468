import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { fromFlag, upstreamFlagFor } from '../cli/flags.js';
import { renderDiff } from '../diff/render.js';
import { type DiffResult, diffRelease } from '../diff/service.js';
import { githubEnv } from '../github/env.js';
import { createSourceDeps } from '../sources/deps.js';

export default class Diff extends BaseCommand<typeof Diff> {
  static summary = 'Fetch the upstream into the cache and write the diff artifacts for a release.';
  static description =
    'Compares --from with --to in a partial clone kept in the cache (only the trees and changed files are fetched) and writes release.json, diff.patch, diff.stat, log.txt and files.json into <artifacts>/<upstream>/<to>/, all together or none. `analyze` runs this itself when the artifacts are missing.';
  static examples = [
    '<%= config.bin %> diff --upstream codex',
    '<%= config.bin %> diff --to rust-v0.139.0 --from rust-v0.138.0',
  ];
  static flags = {
    upstream: upstreamFlagFor('--to'),
    from: fromFlag,
    to: Flags.string({
      summary: 'Compare to this tag (default: the newest pending release).',
      description:
        'Also accepted as --tag. Default --from: the last reviewed tag, or the release before --to.',
      aliases: ['tag'],
    }),
  };

  async run(): Promise<DiffResult> {
    const config = await this.projectConfig();
    const env = githubEnv();
    const progress = this.progress();
    const onNote = (message: string) => progress.note(message);
    const result = await progress.step('diff: fetch and diff', () =>
      diffRelease(
        config,
        { upstream: this.flags.upstream, from: this.flags.from, to: this.flags.to },
        createSourceDeps({ env, cacheDir: config.cache, onNote }),
      ),
    );
    for (const warning of result.warnings) this.logToStderr(`warning: ${warning}`);
    if (!this.jsonEnabled()) this.log(renderDiff(result));
    return result;
  }
}
