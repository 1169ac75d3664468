import { describe, expect, it } from 'vitest';
import { candidates, extractAgentOutput, jsonObjects } from '../../../src/analysis/agent/extract.js';

const VALID = { impact: 'low', summary: 'A default changed.', findings: [] };
const json = (value: unknown, indent?: number) => JSON.stringify(value, null, indent);

describe('jsonObjects', () => {
  it('finds balanced objects, ignoring braces inside strings and text that is not JSON', () => {
    const text = `Note {not json}. Then ${json({ a: '}{', b: { c: [1, '{'] } })} and "quoted {x}" and ${json({ d: 2 })}`;
    expect(jsonObjects(text).map((o) => o.value)).toEqual([{ a: '}{', b: { c: [1, '{'] } }, { d: 2 }]);
  });

  it('skips an unbalanced brace and keeps looking', () => {
    expect(jsonObjects(`{ oops ${json({ ok: true })}`).map((o) => o.value)).toEqual([{ ok: true }]);
  });
});

describe('candidates', () => {
  it('takes objects from fences and from the prose, in order of appearance', () => {
    const text = `First ${json({ n: 1 })}.\n\`\`\`json\n${json({ n: 2 }, 2)}\n\`\`\`\nthen ${json({ n: 3 })}\n\`\`\`\n${json({ n: 4 })}\n\`\`\``;
    expect(candidates(text)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });
});

describe('extractAgentOutput', () => {
  it('accepts a bare JSON answer', () => {
    expect(extractAgentOutput([json(VALID)])).toEqual({ ok: true, output: VALID, adjustments: [] });
  });

  it('accepts a fenced answer with prose around it', () => {
    const text = `Here is my assessment.\n\n\`\`\`json\n${json(VALID, 2)}\n\`\`\`\n\nHope this helps!`;
    expect(extractAgentOutput([text])).toEqual({ ok: true, output: VALID, adjustments: [] });
  });

  it('picks the object that validates, the last one first', () => {
    const draft = { ...VALID, summary: 'draft' };
    const text = `Plan: ${json({ step: 1 })}\nDraft: ${json(draft)}\nFinal:\n\`\`\`json\n${json(VALID)}\n\`\`\`\nExample of a finding id: ${json({ id: 'x' })}`;
    expect(extractAgentOutput([text])).toEqual({ ok: true, output: VALID, adjustments: [] });
  });

  it('looks in earlier texts when the last one has no answer', () => {
    expect(extractAgentOutput([json(VALID), 'Done.'])).toEqual({ ok: true, output: VALID, adjustments: [] });
  });

  it('reports the schema problems of the likeliest candidate', () => {
    const bad = {
      impact: 'severe',
      summary: 'x',
      findings: [
        {
          id: 'Not Kebab',
          title: 't',
          severity: 'low',
          surface: 's',
          description: 'd',
          recommendation: '',
          confidence: 2,
          evidence: [],
          // release-watch sets this, never the agent: still refused inside a finding.
          verified: true,
        },
      ],
    };
    const result = extractAgentOutput([`small ${json({ a: 1 })} big ${json(bad)}`]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('invalid');
    expect(result.problems.some((p) => p.startsWith('impact:'))).toBe(true);
    expect(result.problems.some((p) => p.startsWith('findings.0.id:') && p.includes('kebab-case'))).toBe(
      true,
    );
    expect(result.problems.some((p) => p.startsWith('findings.0.confidence:'))).toBe(true);
    expect(result.problems.some((p) => p.includes('verified'))).toBe(true);
  });

  it('says when there is no JSON at all', () => {
    expect(extractAgentOutput(['I could not decide.', ''])).toEqual({
      ok: false,
      reason: 'no-json',
      problems: ['no JSON object found in the final answer'],
    });
  });
});

describe('what models do that changes nothing', () => {
  const finding = {
    id: 'default-changed',
    title: 'A default changed',
    severity: 'medium',
    surface: 'auth',
    description: 'd',
    recommendation: 'r',
    confidence: 0.7,
    evidence: [
      { path: 'src/a.ts', ref: 'to', startLine: 3, endLine: 4 },
      { path: 'lib/b.ts', ref: 'downstream', startLine: 1, endLine: 1, excerpt: 'x' },
    ],
  };

  it('drops an extra top-level key and fills a missing excerpt, saying so', () => {
    const answer = { schemaVersion: 1, ...VALID, findings: [finding] };
    expect(extractAgentOutput([json(answer)])).toEqual({
      ok: true,
      output: {
        ...VALID,
        findings: [{ ...finding, evidence: [{ ...finding.evidence[0], excerpt: '' }, finding.evidence[1]] }],
      },
      adjustments: [
        'dropped the top-level key "schemaVersion"',
        'filled the missing excerpt of findings[0].evidence[0] (src/a.ts)',
      ],
    });
  });

  it.each([
    ['impact', { impact: 'severe' }, 'impact'],
    ['severity', { findings: [{ ...finding, severity: 'huge' }] }, 'findings.0.severity'],
    [
      'evidence lines',
      { findings: [{ ...finding, evidence: [{ path: 'a', ref: 'to', startLine: 0, endLine: 1 }] }] },
      'findings.0.evidence.0.startLine',
    ],
    [
      'evidence path',
      { findings: [{ ...finding, evidence: [{ ref: 'to', startLine: 1, endLine: 1, excerpt: '' }] }] },
      'findings.0.evidence.0.path',
    ],
    ['an extra key in a finding', { findings: [{ ...finding, extra: true }] }, 'findings.0'],
  ])('stays strict about %s', (_what, change, path) => {
    const result = extractAgentOutput([json({ schemaVersion: 1, ...VALID, ...change })]);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join('\n')).toContain(path);
  });
});
