import { describe, expect, it } from 'vitest';
import { tsExportsRule } from '../../../src/analysis/scanners/ts-exports.js';
import { wireRule } from '../../../src/analysis/scanners/wire.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { scanFixture, twoReleases } from '../../helpers/scan.js';

const api = (n: number, extra = '') => `export function f${n}(a: string${extra}): string {\n  return a;\n}\n`;
const serde = (field: string) =>
  `#[derive(Serialize, Deserialize)]\npub struct Msg {\n    pub ${field}: String,\n}\n`;

describe('parse budget outside the surfaces', () => {
  it('parses surface files always, files outside the surfaces until the budget is spent, and names the rest', async () => {
    const before = {
      'core/api.ts': api(0),
      'lib/a.ts': api(1),
      'lib/b.ts': api(2),
      'core/msg.rs': serde('session_id'),
      'lib/msg.rs': serde('session_id'),
    };
    const after = {
      'core/api.ts': api(0, ', b: number'),
      'lib/a.ts': api(1, ', b: number'),
      'lib/b.ts': api(2, ', b: number'),
      'core/msg.rs': serde('conversation_id'),
      'lib/msg.rs': serde('conversation_id'),
    };
    const repo = await twoReleases(createFixtureRepo, before, after);
    const options = {
      from: 'v1',
      to: 'v2',
      surfaces: { core: ['core/**'] },
      rules: [tsExportsRule, wireRule],
    };
    const all = await scanFixture(repo, options);
    expect(all.unparsed).toEqual([]);
    const paths = (found: typeof all.findings) =>
      [...new Set(found.flatMap((f) => f.evidence.map((e) => e.path)))].sort();
    expect(paths(all.findings)).toEqual(
      ['core/api.ts', 'core/msg.rs', 'lib/a.ts', 'lib/b.ts', 'lib/msg.rs'].sort(),
    );
    // One finding per changed thing: `f0`, `f1`, `f2`, and `Msg.session_id` (renamed in both crates).
    expect(all.findings.map((f) => f.id).sort()).toEqual([
      'ts-exports-export-changed-f0',
      'ts-exports-export-changed-f1',
      'ts-exports-export-changed-f2',
      'wire-json-field-changed-msg-session-id',
    ]);
    // Room for one small file outside the surfaces: the surface files are still read.
    const tight = await scanFixture(repo, { ...options, parseChars: api(1).length * 2 + 20 });
    expect(paths(tight.findings)).toEqual(['core/api.ts', 'core/msg.rs', 'lib/a.ts']);
    expect(tight.unparsed).toEqual(['lib/b.ts', 'lib/msg.rs']);
  });
});
