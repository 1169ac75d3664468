import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downstreamReader } from '../../src/analysis/downstream-files.js';
import { evidenceProblem, verifyFindings } from '../../src/analysis/evidence.js';
import type { Evidence } from '../../src/analysis/schema.js';
import type { RepoReader } from '../../src/git/reader.js';
import { tempDir } from '../helpers/tmp.js';

/** The upstream side is not what these tests are about: a reader that has nothing. */
const upstream: RepoReader = { readFile: async () => undefined };

async function checkout() {
  const outside = await tempDir('rw-outside-');
  await writeFile(join(outside, 'secret.ts'), 'const token = "s3cret";\n');
  const root = await tempDir('rw-downstream-');
  await mkdir(join(root, 'lib'), { recursive: true });
  await writeFile(
    join(root, 'lib/request.ts'),
    'const h = {\n  "OpenAI-Beta": "responses=experimental",\n};\n',
  );
  await symlink(join(outside, 'secret.ts'), join(root, 'lib/escape.ts'));
  await symlink(outside, join(root, 'linked'));
  await symlink(join(root, 'lib/request.ts'), join(root, 'lib/alias.ts'));
  return root;
}

const at = (e: Partial<Evidence>): Evidence => ({
  path: 'lib/request.ts',
  ref: 'downstream',
  startLine: 2,
  endLine: 2,
  excerpt: '"OpenAI-Beta": "responses=experimental",',
  ...e,
});

describe('downstream evidence', () => {
  it('holds when the lines and excerpt are in the checkout working file', async () => {
    const reader = downstreamReader(await checkout());
    expect(await evidenceProblem(at({}), upstream, reader)).toBeUndefined();
    // A symlink that stays inside the checkout is a file of the checkout.
    expect(await evidenceProblem(at({ path: 'lib/alias.ts' }), upstream, reader)).toBeUndefined();
  });

  it.each([
    ['a missing file', at({ path: 'lib/missing.ts' }), 'no such file'],
    ['an excerpt that is not there', at({ excerpt: '"OpenAI-Alpha"' }), 'excerpt not found'],
    ['lines out of range', at({ startLine: 9, endLine: 9 }), 'out of range'],
    ['a ../ path', at({ path: '../secret.ts' }), 'not a path inside the repository'],
    [
      'a symlink to a file outside',
      at({ path: 'lib/escape.ts', startLine: 1, excerpt: 's3cret' }),
      'no such file',
    ],
    [
      'a path through a symlinked folder outside',
      at({ path: 'linked/secret.ts', startLine: 1, excerpt: 's3cret' }),
      'no such file',
    ],
    ['a folder', at({ path: 'lib' }), 'no such file'],
  ])('fails for %s', async (_name, evidence, problem) => {
    expect(await evidenceProblem(evidence, upstream, downstreamReader(await checkout()))).toContain(problem);
  });

  it('is unverified when there is no downstream checkout to check against', async () => {
    expect(await evidenceProblem(at({}), upstream)).toContain('no downstream checkout');
    const result = await verifyFindings(
      [
        {
          id: 'x',
          title: 'x',
          severity: 'high',
          surface: 'other',
          description: 'x',
          recommendation: '',
          confidence: 1,
          source: 'scanner',
          verified: false,
          evidence: [at({})],
        },
      ],
      upstream,
    );
    expect(result.findings[0]!.verified).toBe(false);
  });
});
