import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the README command reference', () => {
  it('is what `npm run readme` generates from the built commands (regenerate it when this fails)', async () => {
    const copy = join(await tempDir('rw-readme-'), 'README.md');
    await copyFile(join(ROOT, 'README.md'), copy);
    await execa('node', [join(ROOT, 'scripts/readme.mjs'), copy], { cwd: ROOT });
    const committed = await readFile(join(ROOT, 'README.md'), 'utf8');
    const generated = await readFile(copy, 'utf8');
    // The hand-written part stays as it is; only the section between the markers is generated.
    expect(generated.slice(0, generated.indexOf('<!-- commands -->'))).toBe(
      committed.slice(0, committed.indexOf('<!-- commands -->')),
    );
    for (const command of ['analyze', 'check', 'diff', 'init', 'report', 'run', 'state show [ID]']) {
      expect(generated).toContain(`## \`release-watch ${command}\``);
    }
    expect(committed, 'README.md is stale: run `npm run readme` and commit it').toBe(generated);
  });
});
