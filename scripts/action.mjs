// Keeps action.yml's RELEASE_WATCH_VERSION equal to package.json's version (run after `changeset
// version`): the action runs the published release of the version it was tagged with. `--check`
// only compares, exiting 1 when action.yml is out of date.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../action.yml', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const text = readFileSync(file, 'utf8');
const line = /^(\s+RELEASE_WATCH_VERSION: ).*$/m;
if (!line.test(text)) {
  console.error('action.yml has no RELEASE_WATCH_VERSION line.');
  process.exit(1);
}
const updated = text.replace(line, `$1${version}`);
if (process.argv.includes('--check')) {
  if (updated !== text) {
    console.error(`action.yml runs another version than package.json's ${version}: run \`npm run action\`.`);
    process.exit(1);
  }
} else writeFileSync(file, updated);
