import { addTo } from '../../util/group.js';
import { type SyntaxNode as Node, parseRust, type SyntaxTree } from '../parse/rust.js';
import { isScriptPath } from '../patch/classify.js';
import { type Container, Containers, type ContainerValue } from './containers.js';

/** `ModelPreset` → "model preset". */
const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();

// --- Rust (tree-sitter) -----------------------------------------------------------------------

const RUST_SCOPES: Record<string, string> = {
  function_item: 'name',
  const_item: 'name',
  static_item: 'name',
  mod_item: 'name',
  trait_item: 'name',
  impl_item: 'type',
  enum_item: 'name',
  struct_item: 'name',
};

const stringOf = (node: Node): string | undefined =>
  node.type === 'string_literal'
    ? (node.namedChildren.find((c) => c?.type === 'string_content')?.text ?? '')
    : undefined;

const lineOf = (node: Node) => node.startPosition.row + 1;

/** Serde names of a variant: `#[serde(rename = "x", alias = "y")]` attributes just before it. */
function serdeNames(variant: Node): ContainerValue[] {
  const names: ContainerValue[] = [];
  for (
    let prev = variant.previousNamedSibling;
    prev?.type === 'attribute_item';
    prev = prev.previousNamedSibling
  ) {
    const attribute = prev.namedChildren[0];
    if (attribute?.namedChildren[0]?.text !== 'serde') continue;
    const tokens = attribute.namedChildren[1]?.namedChildren ?? [];
    tokens.forEach((token, i) => {
      const next = tokens[i + 1];
      if (token?.type === 'identifier' && /^(?:rename|alias)$/.test(token.text) && next) {
        const value = stringOf(next);
        if (value) names.push({ value, line: lineOf(next) });
      }
    });
  }
  return names;
}

/** Struct-literal fields with string values inside a `vec![Preset { slug: "x", .. }, ..]` token tree. */
function tokenTreeFields(tree: Node): { struct?: string; fields: Map<string, ContainerValue> }[] {
  const elements: { struct?: string; fields: Map<string, ContainerValue> }[] = [];
  const children = tree.namedChildren;
  children.forEach((child, i) => {
    if (child?.type !== 'token_tree') return;
    const before = children[i - 1];
    const fields = new Map<string, ContainerValue>();
    const inner = child.children;
    inner.forEach((token, j) => {
      const colon = inner[j + 1];
      const value = inner[j + 2];
      if (token?.type !== 'identifier' || colon?.type !== ':' || !value) return;
      const text = stringOf(value);
      if (text !== undefined) fields.set(token.text, { value: text, line: lineOf(value) });
    });
    elements.push({ struct: before?.type === 'identifier' ? before.text : undefined, fields });
  });
  return elements;
}

function addStructFields(
  out: Containers,
  scope: string,
  elements: { struct?: string; fields: Map<string, ContainerValue> }[],
) {
  const byField = new Map<string, ContainerValue[]>();
  for (const element of elements) for (const [field, value] of element.fields) addTo(byField, field, value);
  const struct = elements.find((e) => e.struct)?.struct;
  for (const [field, values] of byField)
    out.add(`${scope}[].${field}`, 'array', struct ? words(struct) : 'value', false, values);
}

/** The node types rustContainers reads: the others it only walks through. */
const RUST_READ = new Set([
  ...Object.keys(RUST_SCOPES),
  'array_expression',
  'macro_invocation',
  'match_expression',
]);

function rustContainers(root: Node): Container[] {
  const out = new Containers();
  /** Reads one node of a type in RUST_READ: the scope its children are in, and whether to go into them. */
  const read = (node: Node, scope: string): { inner: string; into: boolean } => {
    const nameField = RUST_SCOPES[node.type];
    const name = nameField ? node.childForFieldName(nameField)?.text : undefined;
    const inner = name ? `${scope}/${name}` : scope;
    switch (node.type) {
      case 'enum_item': {
        const variants =
          node.childForFieldName('body')?.namedChildren.filter((c) => c?.type === 'enum_variant') ?? [];
        const values = variants.flatMap((v) => {
          const id = v!.childForFieldName('name');
          return [...(id ? [{ value: id.text, line: lineOf(id) }] : []), ...serdeNames(v!)];
        });
        out.add(`${inner}::`, 'enum', `\`${name}\` variant`, true, values);
        break;
      }
      case 'array_expression': {
        const elements = node.namedChildren.filter((c): c is Node => c !== null);
        const strings = elements.flatMap((e) => {
          const value = stringOf(e);
          return value === undefined ? [] : [{ value, line: lineOf(e) }];
        });
        out.add(`${scope}[]`, 'array', 'value', false, strings);
        const structs = elements
          .filter((e) => e.type === 'struct_expression')
          .map((e) => {
            const fields = new Map<string, ContainerValue>();
            for (const f of e.childForFieldName('body')?.namedChildren ?? []) {
              if (f?.type !== 'field_initializer') continue;
              const field = f.childForFieldName('field')?.text;
              const valueNode = f.childForFieldName('value');
              const value = valueNode ? stringOf(valueNode) : undefined;
              if (field && value !== undefined) fields.set(field, { value, line: lineOf(valueNode!) });
            }
            return { struct: e.childForFieldName('name')?.text, fields };
          });
        addStructFields(out, scope, structs);
        break;
      }
      case 'macro_invocation': {
        if (node.childForFieldName('macro')?.text !== 'vec') break;
        const tree = node.namedChildren.find((c) => c?.type === 'token_tree');
        if (!tree) break;
        const strings = tree.namedChildren.flatMap((c) => {
          const value = c ? stringOf(c) : undefined;
          return value === undefined ? [] : [{ value, line: lineOf(c!) }];
        });
        out.add(`${scope}[]`, 'array', 'value', false, strings);
        addStructFields(out, scope, tokenTreeFields(tree));
        return { inner, into: false }; // token trees hold no further syntax
      }
      case 'match_expression': {
        const subject = node.childForFieldName('value')?.text.replace(/\s+/g, '') ?? '';
        const values: ContainerValue[] = [];
        for (const pattern of node.descendantsOfType('match_pattern')) {
          // Only this match's own arms, not those of matches nested inside them.
          if (pattern?.parent?.parent?.parent?.id !== node.id) continue;
          for (const p of [pattern, ...pattern.descendantsOfType(['string_literal', 'scoped_identifier'])]) {
            if (!p) continue;
            const value = p.type === 'scoped_identifier' ? p.childForFieldName('name')?.text : stringOf(p);
            if (value) values.push({ value, line: lineOf(p) });
          }
        }
        out.add(`${scope}/match ${subject}`, 'match', 'match arm', true, values);
        break;
      }
      case 'const_item':
      case 'static_item': {
        const valueNode = node.childForFieldName('value');
        const value = valueNode ? stringOf(valueNode) : undefined;
        if (value !== undefined)
          out.add(`${scope}/const`, 'constants', 'constant', false, [{ value, line: lineOf(valueNode!) }]);
        break;
      }
    }
    return { inner, into: true };
  };
  // Every named node, depth first, with a cursor: only the nodes of the types read become Node objects
  // (a walk over namedChildren makes one per node, most of the time spent).
  const cursor = root.walk();
  try {
    const scopes: string[] = [];
    let scope = '';
    for (;;) {
      let inner = scope;
      let into = cursor.nodeIsNamed;
      if (into && RUST_READ.has(cursor.nodeType)) ({ inner, into } = read(cursor.currentNode, scope));
      if (into && cursor.gotoFirstChild()) {
        scopes.push(scope);
        scope = inner;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return out.list();
        scope = scopes.pop()!;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** Whether containersOf can read this file. */
export const hasContainers = (path: string) => path.endsWith('.rs') || isScriptPath(path);

/** The sibling containers of one source file (Rust with tree-sitter, TS/JS with the compiler API). */
export async function containersOf(path: string, source: string): Promise<Container[]> {
  if (path.endsWith('.rs')) {
    const tree: SyntaxTree = await parseRust(source);
    try {
      return rustContainers(tree.rootNode);
    } finally {
      tree.delete();
    }
  }
  // The compiler is loaded only when a TS/JS file is read: Rust-only releases never pay for it.
  return isScriptPath(path) ? (await import('./siblings-ts.js')).tsContainers(source, path) : [];
}

export type { Container } from './containers.js';
