import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('oclif readme (run by prepack)', () => {
  it('fills the toc, usage and commands markers of a README and keeps the hand-written text', async () => {
    const dir = await tempDir('rw-readme-');
    const readme = join(dir, 'README.md');
    await writeFile(
      readme,
      [
        '# release-watch',
        '',
        '<!-- toc -->',
        '<!-- tocstop -->',
        '',
        '# Usage',
        '<!-- usage -->',
        '<!-- usagestop -->',
        '',
        '# Commands',
        '<!-- commands -->',
        '<!-- commandsstop -->',
        '',
        '# Configuration',
        'Hand-written text stays.',
        '',
      ].join('\n'),
    );
    const result = await execa('oclif', ['readme', '--readme-path', readme], {
      cwd: ROOT,
      preferLocal: true,
      reject: false,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const text = await readFile(readme, 'utf8');
    // The table of contents lists the level-1 headings (oclif's README convention).
    expect(text).toContain(
      '<!-- toc -->\n* [release-watch](#release-watch)\n* [Usage](#usage)\n* [Commands](#commands)\n* [Configuration](#configuration)\n<!-- tocstop -->',
    );
    expect(text).toMatch(/<!-- usage -->\n```sh-session\n\$ npm install -g release-watch\n/);
    for (const command of ['analyze', 'check', 'diff', 'init', 'report', 'run', 'state show [ID]']) {
      expect(text).toContain(`## \`release-watch ${command}\``);
    }
    expect(text).toContain('<!-- commandsstop -->\n\n# Configuration\nHand-written text stays.\n');
    // Rendered from the built commands: the init flags as the help shows them.
    expect(text).toContain('-u, --upstream=<value>...');
  });
});
