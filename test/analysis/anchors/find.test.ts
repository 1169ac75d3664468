import { describe, expect, it } from 'vitest';
import { NameFinder } from '../../../src/analysis/anchors/find.js';

const find = (values: (string | { value: string; anyCase: true })[], text: string) =>
  [
    ...new NameFinder(
      values.map((entry) =>
        typeof entry === 'string' ? { key: entry, value: entry } : { key: entry.value, ...entry },
      ),
    ).find(text),
  ].sort();

describe('NameFinder', () => {
  it('finds whole names only: not inside a longer name on either side', () => {
    expect(find(['low', 'gpt-5.1-codex'], 'allow lower gpt-5.1-codex-max')).toEqual([]);
    expect(find(['low', 'gpt-5.1-codex'], 'effort: "low", model: gpt-5.1-codex.')).toEqual([
      'gpt-5.1-codex',
      'low',
    ]);
    expect(find(['ENGINE_HOME'], 'MY_ENGINE_HOME=1')).toEqual([]);
  });

  it('finds a name and a longer name that starts with it at the same place', () => {
    const values = ['gpt-5.1-codex', 'gpt-5.1-codex-max'];
    expect(find(values, 'x = "gpt-5.1-codex-max"')).toEqual(['gpt-5.1-codex-max']);
    expect(find(values, '"gpt-5.1-codex-max", "gpt-5.1-codex"')).toEqual(values);
  });

  it('matches values that start or end with other characters where the old regex did', () => {
    // No boundary before a leading `/`, one after a trailing name character.
    expect(find(['/v1/responses'], 'https://api.test/v1/responses?x')).toEqual(['/v1/responses']);
    expect(find(['/v1/responses'], 'https://api.test/v1/responses_old')).toEqual([]);
    expect(find(['/v1/'], 'https://api.test/v1/models')).toEqual(['/v1/']);
    expect(find(['chat.params'], "'chat.params': async")).toEqual(['chat.params']);
    expect(find(['::'], 'a::b')).toEqual([]);
  });

  it('matches header names in any case, others exactly', () => {
    const header = { value: 'openai-beta', anyCase: true as const };
    expect(find([header], 'headers.insert("OpenAI-Beta", v)')).toEqual(['openai-beta']);
    expect(find(['OpenAI-Beta'], 'openai-beta')).toEqual([]);
  });

  it('reads a large text in one pass whatever the number of anchors', () => {
    const values = Array.from({ length: 2_000 }, (_, index) => `anchor-${index}`);
    const text = `${'filler text, '.repeat(200_000)}anchor-1999 and anchor-7`;
    expect(find(values, text)).toEqual(['anchor-1999', 'anchor-7']);
  });
});
