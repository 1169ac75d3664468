// Reading large blobs through the file reader (one `git cat-file --batch`) against `git cat-file blob`
// streamed to nowhere, in the same run: the ratio stays flat as blobs grow when reading is linear.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SIZES_MB = [12, 25, 50, 100];
const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

async function plainRead(dir, id) {
  const child = spawn('git', ['cat-file', 'blob', id], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  let bytes = 0;
  child.stdout.on('data', (chunk) => {
    bytes += chunk.length;
  });
  await once(child, 'close');
  return bytes;
}

export default async function bench({ tmp, root }) {
  const { gitRepoReader } = await import(join(root, 'dist/git/reader.js'));
  const dir = join(tmp, 'repo');
  execFileSync('git', ['init', '-q', dir]);
  for (const mb of SIZES_MB)
    writeFileSync(join(dir, `blob-${mb}.txt`), `${'y'.repeat(1023)}\n`.repeat(mb * 1024));
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'blobs');
  const commit = git(dir, 'rev-parse', 'HEAD');
  const rows = [];
  for (const mb of SIZES_MB) {
    const id = git(dir, 'rev-parse', `HEAD:blob-${mb}.txt`);
    let t = performance.now();
    await plainRead(dir, id);
    const baseline = (performance.now() - t) / 1000;
    const reader = gitRepoReader(join(dir, '.git'), { from: commit, to: commit });
    t = performance.now();
    const text = await reader.readFile('to', `blob-${mb}.txt`);
    const value = (performance.now() - t) / 1000;
    reader.close();
    if (text?.length !== mb * 1024 * 1024) throw new Error(`read ${text?.length} bytes of ${mb} MB`);
    rows.push({
      metric: `read ${mb} MB blob`,
      value,
      unit: 's',
      baseline,
      ratio: value / baseline,
      note: 'vs git cat-file blob streamed',
    });
  }
  return rows;
}
