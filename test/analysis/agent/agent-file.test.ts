import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agentOutputSchema, jsonSchemas } from '../../../src/analysis/schema.js';
import { SEVERITIES } from '../../../src/config/schema.js';
import { AGENT_FILE } from '../../helpers/agent-fixture.js';

// The agent file (copied into downstream repos by `init`) describes the output schema in words and by
// example; these tests keep that description in step with the zod schema it is validated against.

interface ObjectSchema {
  required: string[];
  properties: Record<string, { items?: ObjectSchema; enum?: string[] }>;
}

const generated = jsonSchemas()['agent-output.schema.json'] as unknown as ObjectSchema;
const findingSchema = generated.properties.findings!.items!;
const evidenceSchema = findingSchema.properties.evidence!.items!;

async function agentFile() {
  const text = await readFile(AGENT_FILE, 'utf8');
  const [, frontmatter = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
  const section = (heading: string) => {
    const start = body.indexOf(`## ${heading}\n`);
    if (start < 0) throw new Error(`no "## ${heading}" section in ${AGENT_FILE}`);
    const end = body.indexOf('\n## ', start + 1);
    return body.slice(start, end < 0 ? undefined : end);
  };
  return { frontmatter, section };
}

/** Keys documented as list items "- `key`: …" in a block of text. */
const listedKeys = (block: string) => [...block.matchAll(/^- `([a-zA-Z]+)`:/gm)].map((m) => m[1]);

describe('.opencode/agent/release-impact.md', () => {
  it('is a read-only primary agent', async () => {
    const { frontmatter } = await agentFile();
    expect(frontmatter).toMatch(/^mode: primary$/m);
    for (const tool of ['edit', 'bash', 'webfetch', 'task'])
      expect(frontmatter).toMatch(new RegExp(`^  ${tool}: deny$`, 'm'));
    for (const tool of ['read', 'grep', 'glob'])
      expect(frontmatter).toMatch(new RegExp(`^  ${tool}: allow$`, 'm'));
  });

  it('lists exactly the required keys of the zod schema at every level', async () => {
    const { section } = await agentFile();
    const output = section('Output');
    const [topLevel = '', findings = ''] = output.split('Each finding, all required:');
    expect(listedKeys(topLevel).sort()).toEqual([...generated.required].sort());
    expect(listedKeys(findings).sort()).toEqual([...findingSchema.required].sort());
    expect(listedKeys(section('Evidence')).sort()).toEqual([...evidenceSchema.required].sort());
    for (const key of evidenceSchema.required) expect(findings).toContain(`\`${key}\``);
    // Every level is closed: no other keys are allowed.
    expect(output).toContain('no other keys are allowed');
  });

  it('names every severity, and the enum the schema has', async () => {
    const { section } = await agentFile();
    const severities = section('Severity');
    expect(generated.properties.impact!.enum).toEqual([...SEVERITIES]);
    for (const level of SEVERITIES) {
      expect(severities).toContain(`- \`${level}\`:`);
      expect(section('Output')).toContain(`"${level}"`);
    }
  });

  it('has an example answer that the schema accepts', async () => {
    const { section } = await agentFile();
    const example = /```json\n([\s\S]*?)\n```/.exec(section('Output'))?.[1];
    const parsed = agentOutputSchema.safeParse(JSON.parse(example ?? 'null'));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data?.findings.length).toBeGreaterThan(0);
  });

  it('points at a JSON Schema file that is the one generated from the zod schema', async () => {
    const { section } = await agentFile();
    expect(section('Output')).toContain('schema/agent-output.schema.json');
    const onDisk = JSON.parse(
      await readFile(
        fileURLToPath(new URL('../../../schema/agent-output.schema.json', import.meta.url)),
        'utf8',
      ),
    );
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(generated)));
  });
});
