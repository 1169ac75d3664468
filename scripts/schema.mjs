// Writes the JSON Schemas of the analysis and of the agent's answer into schema/ (run after build).
import { writeFileSync } from 'node:fs';
import { jsonSchemas } from '../dist/index.js';

for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(new URL(`../schema/${file}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
}
