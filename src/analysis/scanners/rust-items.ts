import { recentParses } from '../parse/recent.js';
import { parseRust, type SyntaxNode } from '../parse/rust.js';

/**
 * What the CLI and wire rules need of a Rust file, read from its tree-sitter syntax tree: structs and
 * enums with their attributes and their fields/variants with theirs, string constants, and clap
 * builder calls. Items inside macro bodies are token trees to the parser and are not seen.
 */

interface AttrEntry {
  /** `long`, `alias`, `rename_all`, or a bare word like `flatten`, `Parser` (last path segment). */
  key: string;
  /** String/char literal values: `long = "x"` → ["x"], `aliases = ["a", "b"]` → ["a", "b"]. */
  values: string[];
  /** A path given as the value (`long = FLAG_NAME`): a constant to resolve. */
  ref?: string;
}

export interface Attr {
  /** `arg`, `clap`, `command`, `serde`, `derive`, … */
  name: string;
  entries: AttrEntry[];
}

interface RustMember {
  name: string;
  /** A struct field's type, or an enum variant's fields (`{ a: u8 }`, `(String)`), as written; empty for a unit variant. */
  type: string;
  attrs: Attr[];
  /** First line of its attributes (or of the member itself), 1-based. */
  startLine: number;
  endLine: number;
}

export interface RustItem {
  kind: 'struct' | 'enum';
  name: string;
  attrs: Attr[];
  members: RustMember[];
  startLine: number;
}

/** One clap builder call (`Arg::new("x")`, `Command::new("sub")`) with the methods chained on it. */
export interface BuilderCall {
  kind: 'arg' | 'command';
  /** The id/name given to `new` (a constant's value when a constant is given). */
  id: string;
  methods: { name: string; values: string[] }[];
  /** Index (in `builders`) of the command this one is attached to (`.arg(…)`, `.subcommand(…)`). */
  parent?: number;
  /** The function it is written in, for calls attached to nothing we can see. */
  fn?: string;
  startLine: number;
  endLine: number;
}

interface RustSource {
  items: RustItem[];
  /** `const`/`static` string constants by name. */
  constants: Map<string, string>;
  builders: BuilderCall[];
}

const children = (node: SyntaxNode) => node.children.filter((c): c is SyntaxNode => c !== null);

/** The value of a string, raw string or char literal node, escapes resolved. */
function literalValue(node: SyntaxNode): string | undefined {
  if (node.type === 'raw_string_literal')
    return children(node).find((c) => c.type === 'string_content')?.text ?? '';
  if (node.type === 'char_literal') return resolveEscapes(node.text.replace(/^b?'|'$/g, ''));
  if (node.type === 'string_literal') return resolveEscapes(node.text.replace(/^b?"|"$/g, ''));
  return undefined;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

function resolveEscapes(text: string): string {
  return text.replace(/\\(u\{([0-9a-fA-F]+)\}|x([0-9a-fA-F]{2})|\n\s*|.)/g, (_, all: string, u, x) => {
    if (u) return String.fromCodePoint(Number.parseInt(u, 16));
    if (x) return String.fromCharCode(Number.parseInt(x, 16));
    if (all.startsWith('\n')) return '';
    return ESCAPES[all] ?? all;
  });
}

/** Literal values anywhere under `node` (nested token trees included), in source order. */
function literalsIn(node: SyntaxNode, out: string[] = []): string[] {
  const value = literalValue(node);
  if (value !== undefined) out.push(value);
  else for (const c of children(node)) literalsIn(c, out);
  return out;
}

/** `#[name(a, b = "x", c = ["y"])]` → entries split at the top-level commas of its token tree. */
function readAttr(item: SyntaxNode): Attr | undefined {
  const attr = children(item).find((c) => c.type === 'attribute');
  if (!attr) return undefined;
  const path = children(attr)[0];
  const name = path?.text.split('::').pop()?.trim() ?? '';
  const args = attr.childForFieldName('arguments');
  const entries: AttrEntry[] = [];
  if (args) {
    // The token tree's own children, without the enclosing brackets.
    const tokens = children(args).slice(1, -1);
    let segment: SyntaxNode[] = [];
    const flush = () => {
      const eq = segment.findIndex((t) => t.type === '=');
      const head = eq === -1 ? segment : segment.slice(0, eq);
      const key = head.filter((t) => t.type === 'identifier').pop()?.text;
      if (key) {
        const rest = eq === -1 ? [] : segment.slice(eq + 1);
        const values = rest.flatMap((t) => literalsIn(t));
        const only = rest.length > 0 && rest.every((t) => t.type === 'identifier' || t.type === '::');
        entries.push({ key, values, ...(only ? { ref: rest[rest.length - 1]!.text } : {}) });
      }
      segment = [];
    };
    for (const token of tokens) {
      if (token.type === ',') flush();
      else segment.push(token);
    }
    flush();
  }
  return { name, entries };
}

const line = (node: SyntaxNode) => node.startPosition.row + 1;
const endLine = (node: SyntaxNode) => node.endPosition.row + 1;

/** Members of a field or variant list: each with the attributes written before it. */
function readMembers(list: SyntaxNode, kind: RustItem['kind']): RustMember[] {
  const members: RustMember[] = [];
  let attrs: Attr[] = [];
  let first: SyntaxNode | undefined;
  for (const child of children(list)) {
    if (child.type === 'attribute_item') {
      const attr = readAttr(child);
      if (attr) attrs.push(attr);
      first ??= child;
    } else if (child.type === (kind === 'struct' ? 'field_declaration' : 'enum_variant')) {
      const name = child.childForFieldName('name')?.text.replace(/^r#/, '');
      if (name) {
        members.push({
          name,
          type: child.childForFieldName(kind === 'struct' ? 'type' : 'body')?.text ?? '',
          attrs,
          startLine: line(first ?? child),
          endLine: endLine(child),
        });
      }
      attrs = [];
      first = undefined;
    }
  }
  return members;
}

/** Structs, enums and string constants of a list of declarations (a file, a `mod`, an `impl`). */
function readDeclarations(node: SyntaxNode, source: RustSource) {
  let attrs: Attr[] = [];
  for (const child of children(node)) {
    switch (child.type) {
      case 'attribute_item': {
        const attr = readAttr(child);
        if (attr) attrs.push(attr);
        continue;
      }
      case 'line_comment':
      case 'block_comment':
        continue;
      case 'struct_item':
      case 'enum_item': {
        const kind = child.type === 'struct_item' ? 'struct' : 'enum';
        const name = child.childForFieldName('name')?.text;
        const body = child.childForFieldName('body');
        if (name && body && (body.type === 'field_declaration_list' || body.type === 'enum_variant_list')) {
          source.items.push({ kind, name, attrs, members: readMembers(body, kind), startLine: line(child) });
        }
        break;
      }
      case 'const_item':
      case 'static_item': {
        const name = child.childForFieldName('name')?.text;
        const value = child.childForFieldName('value');
        const text = value ? literalValue(value) : undefined;
        if (name && text !== undefined) source.constants.set(name, text);
        break;
      }
      case 'mod_item':
      case 'impl_item':
      case 'ERROR': {
        const body = child.type === 'ERROR' ? child : child.childForFieldName('body');
        if (body) readDeclarations(body, source);
        break;
      }
    }
    attrs = [];
  }
}

const BUILDERS: Record<string, BuilderCall['kind']> = {
  'Arg::new': 'arg',
  'Arg::with_name': 'arg',
  'Command::new': 'command',
  'App::new': 'command',
  'SubCommand::with_name': 'command',
};
const ATTACH = new Set(['arg', 'args', 'subcommand', 'subcommands']);
const BUILDER_HINT = /\b(?:Arg|Command|App|SubCommand)::(?:new|with_name)\s*\(/;

/** The value of an argument expression: a literal, or a constant of this file. */
const argValue = (node: SyntaxNode, constants: Map<string, string>) =>
  literalValue(node) ?? (node.type === 'identifier' ? constants.get(node.text) : undefined);

/**
 * Clap builder calls: `Arg::new("x").long("xx").short('x')` attached with `.arg(…)` to a
 * `Command::new("sub")`, itself attached with `.subcommand(…)` to its parent.
 */
function readBuilders(root: SyntaxNode, source: RustSource) {
  const calls = root
    .descendantsOfType('call_expression')
    .filter((c): c is SyntaxNode => c !== null)
    .filter((c) => {
      const fn = c.childForFieldName('function');
      return fn?.type === 'scoped_identifier' && BUILDERS[fn.text.replace(/\s+/g, '')] !== undefined;
    });
  const index = new Map<number, number>();
  const chains: { call: SyntaxNode; top: SyntaxNode }[] = [];
  for (const call of calls) {
    const kind = BUILDERS[call.childForFieldName('function')!.text.replace(/\s+/g, '')]!;
    const first = call.childForFieldName('arguments')?.namedChildren[0];
    const id = first ? argValue(first, source.constants) : undefined;
    if (id === undefined) continue;
    // Climb the method chain written on it: call.method(args).method(args)…
    const methods: BuilderCall['methods'] = [];
    let top = call;
    for (;;) {
      const field = top.parent;
      const next = field?.parent;
      if (field?.type !== 'field_expression' || next?.type !== 'call_expression') break;
      const name = field.childForFieldName('field')?.text ?? '';
      const values = (next.childForFieldName('arguments')?.namedChildren ?? [])
        .filter((a): a is SyntaxNode => a !== null)
        .flatMap((a) => {
          const v = argValue(a, source.constants);
          return v !== undefined ? [v] : a.type === 'array_expression' ? literalsIn(a) : [];
        });
      methods.push({ name, values });
      top = next;
    }
    let fn: SyntaxNode | null = call.parent;
    while (fn && fn.type !== 'function_item') fn = fn.parent;
    index.set(call.id, source.builders.length);
    chains.push({ call, top });
    source.builders.push({
      kind,
      id,
      methods,
      fn: fn?.childForFieldName('name')?.text,
      startLine: line(call),
      endLine: endLine(top),
    });
  }
  // Attach each chain to the command whose `.arg(…)`/`.subcommand(…)` holds it.
  chains.forEach(({ top }, i) => {
    let node: SyntaxNode | null = top.parent;
    if (node?.type === 'array_expression') node = node.parent;
    if (node?.type !== 'arguments') return;
    const call = node.parent;
    const field = call?.childForFieldName('function');
    if (field?.type !== 'field_expression' || !ATTACH.has(field.childForFieldName('field')?.text ?? ''))
      return;
    // Down the receiver chain to the `Command::new` it starts from.
    let receiver = field.childForFieldName('value');
    while (receiver && index.get(receiver.id) === undefined) {
      const fn = receiver.type === 'call_expression' ? receiver.childForFieldName('function') : null;
      receiver = fn?.type === 'field_expression' ? fn.childForFieldName('value') : null;
    }
    const parent = receiver ? index.get(receiver.id) : undefined;
    if (parent !== undefined && source.builders[parent]!.kind === 'command')
      source.builders[i]!.parent = parent;
  });
}

/** Items, string constants and clap builder calls of a Rust file. */
export function readRust(text: string): Promise<RustSource> {
  // The cli and serde rules both read each Rust file side: parsed once for both.
  return parsedRust('', text, () => readRustOnce(text));
}

const parsedRust = recentParses<Promise<RustSource>>();

async function readRustOnce(text: string): Promise<RustSource> {
  const tree = await parseRust(text);
  try {
    const source: RustSource = { items: [], constants: new Map(), builders: [] };
    readDeclarations(tree.rootNode, source);
    if (BUILDER_HINT.test(text)) readBuilders(tree.rootNode, source);
    return source;
  } finally {
    tree.delete();
  }
}

/** All entries of `key` across the attributes named `names`. */
export const attrValues = (attrs: readonly Attr[], names: readonly string[], key: string) =>
  attrs.filter((a) => names.includes(a.name)).flatMap((a) => a.entries.filter((e) => e.key === key));

export const hasAttrKey = (attrs: readonly Attr[], names: readonly string[], key: string) =>
  attrValues(attrs, names, key).length > 0;

const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());

/** serde/clap `rename_all` casing conventions. */
export function applyCase(name: string, casing: string): string {
  const w = words(name);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  switch (casing) {
    case 'kebab-case':
      return w.join('-');
    case 'snake_case':
      return w.join('_');
    case 'SCREAMING_SNAKE_CASE':
      return w.join('_').toUpperCase();
    case 'SCREAMING-KEBAB-CASE':
      return w.join('-').toUpperCase();
    case 'camelCase':
      return w[0] + w.slice(1).map(cap).join('');
    case 'PascalCase':
      return w.map(cap).join('');
    case 'lowercase':
      return w.join('');
    case 'UPPERCASE':
      return w.join('').toUpperCase();
    default:
      return name;
  }
}
