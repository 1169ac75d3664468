import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  keepTouchedStatements,
  type Outline,
  outlineScript,
  outlineText,
  parseOutline,
} from '../../../src/analysis/parse/ts-outline.js';
import { parseScript } from '../../../src/analysis/parse/typescript.js';
import { type FileDiff, parseFileChunk, touchedLines } from '../../../src/analysis/patch/patch.js';
import {
  type ApiChange,
  type ApiEntry,
  apiOf,
  compareApi,
  extractApi,
  extractApiPair,
} from '../../../src/analysis/scanners/ts-api.js';

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

/** The outline with every blanked and dropped range made spaces where it stands: positions kept, to look at. */
function positional({ source, blanked, dropped = [] }: Outline): string {
  let text = source;
  for (const [start, end] of [...blanked, ...dropped])
    text = text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
  return text;
}
const lineCount = (text: string) => text.split('\n').length;

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

  it('gives the parser every line where it is, each blanked body cut down to its line breaks', () => {
    const { text, bodies } = outlineText(outline);
    expect(lineCount(text)).toBe(lineCount(MODULE));
    expect(text.length).toBeLessThan(MODULE.length * 0.8);
    // Outside the blanked ranges the text is the file's own; inside, one space between line breaks.
    expect(bodies).toHaveLength(outline.blanked.length);
    let [at, was] = [0, 0];
    outline.blanked.forEach(([start, end], k) => {
      const [from, to] = bodies[k]!;
      expect(text.slice(at, from)).toBe(MODULE.slice(was, start));
      expect(text.slice(from, to)).toBe(MODULE.slice(start, end).replace(/[^\n]+/g, ' '));
      [at, was] = [to, end];
    });
    expect(text.slice(at)).toBe(MODULE.slice(was));
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
      expect(blank(bodyAfter(positional(outline), MODULE, marker)), marker).toBe(true);
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
      expect(positional(outline), kept).toContain(kept);
    // A class's members stay; only what is inside their bodies goes.
    expect(positional(outline)).toMatch(/class Mixed extends mixin\(\{ kept: true \}\) \{ m\(\) \{\s+\} \}/);
  });

  it('gives up on a file it cannot follow, and blanks nothing in a file without bodies', () => {
    expect(outlineScript('export function f() { return (1; }')).toBeUndefined();
    expect(outlineScript('export function f() {')).toBeUndefined();
    expect(outlineScript('export interface A { b(): void }')).toMatchObject({
      source: 'export interface A { b(): void }',
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
    expect(parseOutline('a.ts', MODULE, parse('a.ts')).text).toBe(outlineText(outlineScript(MODULE)!).text);
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

/** A file's diff as the patch reader gives it, from `git diff --no-index` of two texts. */
function diffOf(before: string, after: string): FileDiff {
  const dir = mkdtempSync(join(tmpdir(), 'rw-outline-'));
  try {
    writeFileSync(join(dir, 'a.ts'), before);
    writeFileSync(join(dir, 'b.ts'), after);
    const { stdout } = spawnSync('git', ['diff', '--no-index', '--no-color', 'a.ts', 'b.ts'], {
      cwd: dir,
      encoding: 'utf8',
    });
    const lines = stdout.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return parseFileChunk(lines)!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const changesOf = (changes: ApiChange[]) =>
  changes.map((c) => ({
    kind: c.kind,
    before: c.before && [c.before.name, c.before.signature, c.before.startLine, c.before.endLine],
    after: c.after && [c.after.name, c.after.signature, c.after.startLine, c.after.endLine],
  }));

describe('keepTouchedStatements and extractApiPair', () => {
  const FILLER = Array.from(
    { length: 12 },
    (_, k) => `export interface Kept${k} {\n  id: string;\n  run(input: { a: number }): Promise<void>;\n}\n`,
  ).join('\n');
  const BEFORE = `import { helper } from './helper.js';
import type { Schema } from 'schema';

export type Entry = Schema.Type<typeof helper>
export type Normalized =
  | { kind: 'local'; path: string }
  | { kind: 'git'; repository: string }

export function parse(a: string): Entry;
export function parse(a: number): Entry;
export function parse(a: unknown): Entry {
  return helper(a);
}

function local(a: string) {
  return a;
}
export { local as exported };

${FILLER}
export namespace Tools {
  export function run(): void {}
}
`;

  it('cuts a module into its statements and names what each declares', () => {
    const outline = outlineScript(BEFORE)!;
    const texts = outline.statements.map((s) => BEFORE.slice(s.start, s.end));
    expect(texts[0]).toBe("import { helper } from './helper.js';");
    // A type ending in `>` is a statement of its own: `export` starts the next one.
    expect(texts).toContain('export type Entry = Schema.Type<typeof helper>');
    expect(outline.statements.find((s) => s.names.includes('Normalized'))?.names).toEqual(['Normalized']);
    expect(outline.statements.filter((s) => s.names.includes('parse'))).toHaveLength(3);
    expect(
      outline.statements.find(
        (s) => texts[outline.statements.indexOf(s)] === 'export { local as exported };',
      ),
    ).toMatchObject({ declaration: false });
  });

  it('leaves out the declarations no change touches, and keeps what the kept ones name', () => {
    // The implementation's signature changes: its overloads, two lines up and untouched, stay with it.
    const after = BEFORE.replace(
      'parse(a: unknown): Entry {',
      'parse(a: unknown): Entry | undefined {',
    ).replace('function local(a: string) {', 'function local(a: string, b?: string) {');
    const outlines = [outlineScript(BEFORE)!, outlineScript(after)!] as const;
    const diff = diffOf(BEFORE, after);
    const cut = keepTouchedStatements([
      { outline: outlines[0], touched: touchedLines(diff, 'from') },
      { outline: outlines[1], touched: touchedLines(diff, 'to') },
    ])!;
    expect(cut.unchanged).toBeUndefined();
    for (const outline of [cut.from, cut.to]) {
      const text = positional(outline);
      // Untouched interfaces and types go; every overload of a touched function and the local an
      // export list names stay.
      expect(text).not.toContain('interface Kept3');
      expect(text).not.toContain('export type Normalized');
      expect(text).toContain('export function parse(a: string): Entry;');
      expect(text).toContain('export function parse(a: number): Entry;');
      expect(text).toContain('function local(a: string');
      expect(text).toContain('export { local as exported };');
      expect(lineCount(outlineText(outline).text)).toBe(lineCount(outline === cut.from ? BEFORE : after));
    }
    const whole = compareApi(extractApi(BEFORE, 'a.ts'), extractApi(after, 'a.ts'));
    expect(changesOf(whole).map((c) => c.kind)).toEqual(['export-changed', 'export-changed']);
    expect(changesOf(compareApi(...extractApiPair(BEFORE, 'a.ts', after, 'a.ts', diff)))).toEqual(
      changesOf(whole),
    );
  });

  it('leaves out of both sides what changed inside bodies alone, and parses it once to check its bodies', () => {
    // `parse`'s implementation and `local` change inside their bodies alone; `Tools.run` too, and a
    // new body line moves what follows. `Kept5` changes where the API can see it.
    const after = BEFORE.replace('return helper(a);', 'return helper(a) ?? helper(String(a));')
      .replace(
        'function local(a: string) {\n  return a;',
        'function local(a: string) {\n  const b = a;\n  return b;',
      )
      .replace('run(): void {}', 'run(): void { console.log(1); }')
      .replace('export interface Kept5 {\n  id: string;', 'export interface Kept5 {\n  id: number;');
    const diff = diffOf(BEFORE, after);
    const cut = keepTouchedStatements([
      { outline: outlineScript(BEFORE)!, touched: touchedLines(diff, 'from') },
      { outline: outlineScript(after)!, touched: touchedLines(diff, 'to') },
    ])!;
    const [from, to, unchanged] = [cut.from, cut.to, cut.unchanged!].map(positional);
    for (const text of [from, to]) {
      expect(text).toContain('export interface Kept5');
      expect(text).not.toContain('export namespace Tools');
      // An export list names `local`: it stays whatever its body does.
      expect(text).toContain('function local(a: string)');
    }
    expect(unchanged).toContain('export namespace Tools');
    expect(unchanged).toContain('export function parse(a: unknown): Entry {');
    expect(unchanged).not.toContain('interface Kept5');
    expect(unchanged).not.toContain('function local');
    const whole = compareApi(apiOf(parseScript('a.ts', BEFORE)), apiOf(parseScript('a.ts', after)));
    expect(changesOf(whole).map((c) => c.kind)).toEqual(['member-changed']);
    expect(changesOf(compareApi(...extractApiPair(BEFORE, 'a.ts', after, 'a.ts', diff)))).toEqual(
      changesOf(whole),
    );
  });

  it('keeps a pair that reads the same when a kept statement declares its name', () => {
    // The implementation changes inside its body alone; an overload of it changes its signature.
    const after = BEFORE.replace('return helper(a);', 'return helper(String(a));').replace(
      'export function parse(a: number): Entry;',
      'export function parse(a: number, b?: number): Entry;',
    );
    const diff = diffOf(BEFORE, after);
    const cut = keepTouchedStatements([
      { outline: outlineScript(BEFORE)!, touched: touchedLines(diff, 'from') },
      { outline: outlineScript(after)!, touched: touchedLines(diff, 'to') },
    ])!;
    expect(cut.unchanged).toBeUndefined();
    for (const outline of [cut.from, cut.to])
      expect(positional(outline)).toContain('export function parse(a: unknown): Entry {');
    expect(changesOf(compareApi(...extractApiPair(BEFORE, 'a.ts', after, 'a.ts', diff)))).toEqual(
      changesOf(compareApi(apiOf(parseScript('a.ts', BEFORE)), apiOf(parseScript('a.ts', after)))),
    );
  });

  it('reads the whole files when the diff cannot say which lines changed', () => {
    const after = BEFORE.replace('id: string;', 'id: number;');
    const diff = { ...diffOf(BEFORE, after), hunks: [], binary: true };
    const whole = changesOf(compareApi(extractApi(BEFORE, 'a.ts'), extractApi(after, 'a.ts')));
    expect(whole).toHaveLength(1);
    expect(changesOf(compareApi(...extractApiPair(BEFORE, 'a.ts', after, 'a.ts', diff)))).toEqual(whole);
    expect(changesOf(compareApi(...extractApiPair(BEFORE, 'a.ts', after, 'a.ts')))).toEqual(whole);
  });
});
