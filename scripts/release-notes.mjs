// Prints the CHANGELOG.md section of one version (`node scripts/release-notes.mjs 0.1.0`): the body of
// the GitHub release. Exits 1 when CHANGELOG.md has no such section (`npm run version-packages` writes it).
import { readFileSync } from 'node:fs';

const version = process.argv[2];
const lines = readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8').split('\n');
const start = lines.findIndex((line) => line.trim() === `## ${version}`);
if (!version || start === -1) {
  console.error(
    `CHANGELOG.md has no "## ${version ?? '<version>'}" section: run \`npm run version-packages\` first.`,
  );
  process.exit(1);
}
const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
console.log(
  lines
    .slice(start + 1, end === -1 ? undefined : end)
    .join('\n')
    .trim(),
);
