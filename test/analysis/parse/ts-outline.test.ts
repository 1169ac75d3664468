import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { outlineScript, parseOutline } from '../../../src/analysis/parse/ts-outline.js';
import { parseScript } from '../../../src/analysis/parse/typescript.js';
import { type ApiEntry, apiOf, extractApi } from '../../../src/analysis/scanners/ts-api.js';

/** Everything an API entry says, shape included: what the outline must leave as it was. */
const entries = (api: Map<string, ApiEntry>) =>
  [...api.values()].map((e) => ({
    name: e.name,
    signature: e.signature,
    optional: e.optional,
    implementable: e.implementable,
    lines: [e.startLine, e.endLine],
    shape: e.shape(),
  }));

/** The inside of the first `{…}` after `marker`, as the outline has it. */
function bodyAfter(outline: string, source: string, marker: string): string {
  const at = source.indexOf(marker);
  expect(at).toBeGreaterThanOrEqual(0);
  const open = source.indexOf('{', at + marker.length);
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) return outline.slice(open + 1, i);
  }
  throw new Error(`no body after ${marker}`);
}

const blank = (text: string) => text.trim() === '';

const MODULE = `import { x } from './x.js';

export async function load(id: string, options: { retries: number } = { retries: 1 }): Promise<{ id: string }> {
  const re = /}{/g; // a regex with braces
  const s = \`\${ { id }.id } }\`;
  return { id: id + s + re.source };
}

export function typed(): { a: number } {
  return { a: 1 };
}

export const arrow = async (input: { a: string }) => {
  if (input.a === '}') return '{';
  return input.a;
};

export const returning = (a: number): Promise<number> => {
  return Promise.resolve(a);
};

export class Store<T extends { id: string }> extends Base {
  private items = new Map<string, T>()
  @track() size = 0
  handler = (event: T) => {
    this.items.set(event.id, event);
  }
  constructor(readonly name: string) {
    super();
  }
  get count(): number {
    return this.items.size;
  }
  async *each(): AsyncGenerator<T> {
    yield* this.items.values();
  }
}

export namespace Session {
  export function create(title: string) {
    return { title };
  }
}

export type Hook = (input: { a: string }) => { ok: boolean };
export const annotated: (a: string) => { b: number } = (a) => {
  return { b: a.length };
};
export const callbacks = register(() => {
  return 1;
});
export const methods = { run() { return 1; } };
export const asserted = value as (a: string) => { c: number };
export function keyed(): keyof { a: 1; b: 2 } { return 'a'; }
export class Mixed extends mixin({ kept: true }) { m() { return 1; } }
`;

describe('outlineScript', () => {
  const outline = outlineScript(MODULE)!;

  it('keeps every position: the same length and the same lines', () => {
    expect(outline.text).toHaveLength(MODULE.length);
    expect(outline.text.split('\n').length).toBe(MODULE.split('\n').length);
    // Outside the blanked ranges the text is the file's own.
    let at = 0;
    for (const [start, end] of outline.blanked) {
      expect(outline.text.slice(at, start)).toBe(MODULE.slice(at, start));
      expect(blank(outline.text.slice(start, end))).toBe(true);
      at = end;
    }
  });

  it('blanks the bodies of functions, methods, accessors, constructors and arrow values', () => {
    for (const marker of [
      'Promise<{ id: string }>',
      'typed(): { a: number }',
      'async (input: { a: string }) =>',
      'Promise<number> =>',
      'handler = (event: T) =>',
      'constructor(readonly name: string)',
      'get count(): number',
      'AsyncGenerator<T>',
      'create(title: string)',
      '= (a) =>',
      'keyof { a: 1; b: 2 } ',
    ])
      expect(blank(bodyAfter(outline.text, MODULE, marker)), marker).toBe(true);
  });

  it('keeps types, object literals, callbacks and class bodies as written', () => {
    for (const kept of [
      '{ retries: number } = { retries: 1 }',
      'Promise<{ id: string }>',
      'typed(): { a: number }',
      'class Store<T extends { id: string }> extends Base {',
      'private items = new Map<string, T>()',
      'export type Hook = (input: { a: string }) => { ok: boolean };',
      'export const annotated: (a: string) => { b: number } =',
      'register(() => {\n  return 1;\n});',
      '{ run() { return 1; } }',
      'value as (a: string) => { c: number };',
      'keyof { a: 1; b: 2 }',
      'extends mixin({ kept: true }) {',
    ])
      expect(outline.text, kept).toContain(kept);
    // A class's members stay; only what is inside their bodies goes.
    expect(outline.text).toMatch(/class Mixed extends mixin\(\{ kept: true \}\) \{ m\(\) \{\s+\} \}/);
  });

  it('gives up on a file it cannot follow, and blanks nothing in a file without bodies', () => {
    expect(outlineScript('export function f() { return (1; }')).toBeUndefined();
    expect(outlineScript('export function f() {')).toBeUndefined();
    expect(outlineScript('export interface A { b(): void }')).toEqual({
      text: 'export interface A { b(): void }',
      blanked: [],
    });
  });
});

describe('parseOutline and the API read from it', () => {
  it('reads the same API as a parse of the whole file', () => {
    expect(entries(extractApi(MODULE, 'src/module.ts'))).toEqual(
      entries(apiOf(parseScript('src/module.ts', MODULE))),
    );
  });

  it('parses the outline only when every blanked range is a function body there', () => {
    const parse = (fileName: string) => (t: string) => parseScript(fileName, t);
    expect(parseOutline('a.ts', MODULE, parse('a.ts')).text).toBe(outlineScript(MODULE)!.text);
    // JSX is read as written: its markup is not the scanner's.
    const jsx = 'export function App() { return <div>{"}"}</div>; }';
    expect(parseOutline('a.tsx', jsx, parse('a.tsx')).text).toBe(jsx);
    // A file whose outline does not parse cleanly is parsed as written (a body's own errors may go:
    // they say nothing of the API).
    const broken = 'export function f() { return 1; }\nexport const = 1;';
    expect(parseOutline('b.ts', broken, parse('b.ts')).text).toBe(broken);
  });

  it('gives the same API as a full parse for every TypeScript file of this repository', () => {
    const files = execFileSync('git', ['ls-files', 'src/*.ts', 'test/*.ts'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(100);
    let chars = 0;
    let blanked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const outline = outlineScript(text);
      expect(outline, file).toBeDefined();
      chars += text.length;
      for (const [start, end] of outline!.blanked) blanked += end - start;
      expect(entries(extractApi(text, file)), file).toEqual(entries(apiOf(parseScript(file, text))));
    }
    // Most of a module is its bodies: an outline that blanks little saves little.
    expect(blanked / chars).toBeGreaterThan(0.25);
  });
});
