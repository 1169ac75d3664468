import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../src/analysis/schema.js';
import * as library from '../../src/index.js';

describe('analysis schema', () => {
  it('the committed schema/*.json match the zod schemas (run `npm run schema` after changing them)', async () => {
    for (const [file, schema] of Object.entries(jsonSchemas())) {
      const committed = await readFile(new URL(`../../schema/${file}`, import.meta.url), 'utf8');
      expect(committed, file).toBe(`${JSON.stringify(schema, null, 2)}\n`);
    }
  });

  it('is exported from the package with the analyze stage', () => {
    expect(library.analysisSchema.safeParse({}).success).toBe(false);
    expect(typeof library.agentOutputSchema.parse).toBe('function');
    expect(Object.keys(library.jsonSchemas())).toEqual(['analysis.schema.json', 'agent-output.schema.json']);
    expect(typeof library.analyzeRelease).toBe('function');
    expect(library.RULES.map((r) => r.id)).toEqual(['anchor', 'surface', 'ts-exports', 'cli', 'wire']);
  });
});
