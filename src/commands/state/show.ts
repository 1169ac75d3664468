import * as Args from '@oclif/core/args';
import { BaseCommand } from '../../cli/base.js';
import { showState } from '../../state/service.js';
import { renderTable } from '../../util/table.js';

export default class StateShow extends BaseCommand<typeof StateShow> {
  static summary = 'Show the last-reviewed tag of every upstream, or of one.';
  static examples = ['<%= config.bin %> state show', '<%= config.bin %> state show codex --json'];
  static args = { id: Args.string({ description: 'Upstream ID from the config.' }) };

  async run() {
    const rows = await showState(await this.projectConfig(), this.args.id);
    this.log(
      renderTable([
        ['UPSTREAM', 'REPO', 'LAST REVIEWED', 'REVIEWED AT', 'IMPACT', 'ISSUES'],
        ...rows.map((r) => [
          r.id,
          r.repo,
          r.lastReviewed ?? '(never)',
          r.reviewedAt ?? '-',
          r.impact ?? '-',
          r.issues?.map((n) => `#${n}`).join(' ') || '-',
        ]),
      ]),
    );
    return rows;
  }
}
