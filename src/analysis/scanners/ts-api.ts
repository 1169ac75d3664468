import { recentParses } from '../parse/recent.js';
import {
  keepTouchedStatements,
  type Outline,
  outlineScript,
  outlines,
  parseChecked,
  parseOutline,
} from '../parse/ts-outline.js';
import { parseScript, type TS, ts } from '../parse/typescript.js';
import { type FileDiff, touchedLines } from '../patch/patch.js';

/** One piece of a module's public API: an export, or a member of an exported type/class/enum. */
export interface ApiEntry {
  /** `Hooks` or `Hooks.auth`. */
  name: string;
  parent?: string;
  /** Normalised text (comments dropped, whitespace collapsed, parameter names left out). */
  signature: string;
  optional: boolean;
  /** Whether adding a required member breaks implementers (interfaces and object types, not classes). */
  implementable: boolean;
  startLine: number;
  endLine: number;
  /** How it reads in the source (parameter names kept), worked out only when a change is described. */
  shape(): ApiShape;
}

/** A parameter as written: its name, its type, and the member names when the type is an object literal. */
export interface ApiParam {
  name: string;
  type: string;
  /** Member name → its type, when the parameter's type is an object type literal. */
  members?: Map<string, string>;
}

export interface ApiShape {
  /** The signature or type as written, comments dropped and whitespace collapsed. */
  text: string;
  /** Set when the entry is callable (a function, a method, a property holding a function type). */
  params?: ApiParam[];
  returns?: string;
}

const parsed = recentParses<TS.SourceFile>();
const outlined = recentParses<TS.SourceFile>();
const extracted = new WeakMap<TS.SourceFile, Map<string, ApiEntry>>();
const compared = new WeakMap<Map<string, ApiEntry>, { to: Map<string, ApiEntry>; changes: ApiChange[] }>();

/** A TypeScript/JavaScript file parsed (parseScript); the rules that read one file share its tree. */
export const parseSource = (fileName: string, text: string): TS.SourceFile =>
  parsed(fileName, text, () => parseScript(fileName, text));

/**
 * A TS/JS file parsed for its declarations alone (parseOutline: function bodies blanked), which is all
 * the API reader needs; a file with nothing to blank shares the full parse.
 */
const parseDeclarations = (fileName: string, text: string, outline?: Outline | null): TS.SourceFile =>
  outlined(fileName, text, () =>
    parseOutline(
      fileName,
      text,
      (t) => (t === text ? parseSource(fileName, t) : parseScript(fileName, t)),
      outline,
    ),
  );

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
/** Normalised prints by node kind and text, across files (cleared when full). */
const prints = new Map<string, string>();
const MAX_PRINTS = 20_000;

const hasModifier = (node: TS.Node, kind: TS.SyntaxKind) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);

const hasParameter = (node: TS.Node): boolean =>
  ts.isParameter(node) || (ts.forEachChild(node, hasParameter) ?? false);

/** Parameter names inside types do not matter to callers or implementers: `(auth: A) => R` ≡ `(x: A) => R`. */
function anonymizeParameters<T extends TS.Node>(node: T): T {
  // Most printed nodes (`string`, `Record<string, string>`) hold no parameter: no transform for them.
  if (!hasParameter(node)) return node;
  const result = ts.transform(node, [
    (context) => (root) => {
      const visit = (n: TS.Node): TS.Node => {
        const child = ts.visitEachChild(n, visit, context);
        if (!ts.isParameter(child)) return child;
        return context.factory.updateParameterDeclaration(
          child,
          child.modifiers,
          child.dotDotDotToken,
          context.factory.createIdentifier('_'),
          child.questionToken,
          child.type,
          child.initializer,
        );
      };
      return ts.visitNode(root, visit) as T;
    },
  ]);
  const [transformed] = result.transformed;
  result.dispose();
  return transformed as T;
}

/**
 * The exported API of one TypeScript/JavaScript module, read with the TypeScript parser (syntax only,
 * no type checking): exports, their signatures, and the members of exported interfaces, object
 * types, classes and enums. Comments, formatting, member order and parameter names do not count.
 */
export const extractApi = (text: string, fileName: string): Map<string, ApiEntry> =>
  apiOf(parseDeclarations(fileName, text));

/** The exported API of a module's two sides, `from` first. */
type ApiPair = [Map<string, ApiEntry>, Map<string, ApiEntry>];

let lastPair: { key: readonly unknown[]; apis: ApiPair } | undefined;

/**
 * The exported API of both sides of a changed module, for comparing them (compareApi): read from
 * the statements a change can alter (keepTouchedStatements) when its diff says which lines it touches and
 * both cut sides check out, else from the whole files. An untouched declaration is the same on both
 * sides and adds no change. The rules that compare one file in turn share the result.
 */
export function extractApiPair(
  before: string,
  oldPath: string,
  after: string,
  path: string,
  diff?: FileDiff,
): ApiPair {
  const key = [before, oldPath, after, path, diff];
  if (!lastPair?.key.every((k, i) => k === key[i]))
    lastPair = { key, apis: readApiPair(before, oldPath, after, path, diff) };
  return lastPair.apis;
}

function readApiPair(before: string, oldPath: string, after: string, path: string, diff?: FileDiff): ApiPair {
  // The whole files, from their outlines when those are made already.
  const whole = (a?: Outline | null, b?: Outline | null): ApiPair => [
    apiOf(parseDeclarations(oldPath, before, a)),
    apiOf(parseDeclarations(path, after, b)),
  ];
  if (!diff || diff.binary || diff.oversized || diff.skipped || !outlines(oldPath) || !outlines(path))
    return whole();
  const [a, b] = [outlineScript(before), outlineScript(after)];
  if (!a || !b) return whole(a ?? null, b ?? null);
  const cut = keepTouchedStatements([
    { outline: a, touched: touchedLines(diff, 'from') },
    { outline: b, touched: touchedLines(diff, 'to') },
  ]);
  if (!cut) return whole(a, b);
  const from = parseChecked(cut.from, (t) => parseScript(oldPath, t));
  const to = from && parseChecked(cut.to, (t) => parseScript(path, t));
  // Statements left out as the same on both sides still have their bodies checked, on one side.
  const held = to && (!cut.unchanged || parseChecked(cut.unchanged, (t) => parseScript(oldPath, t)));
  return from && to && held ? [apiOf(from), apiOf(to)] : whole(a, b);
}

/** The exported API read from a parse of a module (extractApi's work once the file is parsed). */
export function apiOf(sf: TS.SourceFile): Map<string, ApiEntry> {
  const known = extracted.get(sf);
  if (known) return known;
  const api = new Map<string, ApiEntry>();
  const print = (node: TS.Node) => {
    // One node's print depends on its kind and text alone: both sides of a change share most of them.
    const key = `${node.kind} ${sf.text.slice(node.getStart(sf), node.end)}`;
    let printed = prints.get(key);
    if (printed === undefined) {
      printed = printer
        .printNode(ts.EmitHint.Unspecified, anonymizeParameters(node), sf)
        .replace(/\s+/g, ' ')
        .trim();
      if (prints.size >= MAX_PRINTS) prints.clear();
      prints.set(key, printed);
    }
    return printed;
  };
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const plain = (node: TS.Node) =>
    printer.printNode(ts.EmitHint.Unspecified, node, sf).replace(/\s+/g, ' ').trim();
  const shapeOf = (node: TS.Node, fallback: string): ApiShape => {
    const fn = callableOf(node);
    if (fn) {
      const params = fn.parameters.map((p) => ({
        name: p.name.getText(sf),
        type: p.type ? plain(p.type) : 'any',
        ...(p.type && ts.isTypeLiteralNode(p.type)
          ? {
              members: new Map(
                p.type.members.flatMap((m) => {
                  const name = memberName(m.name);
                  const type = ts.isPropertySignature(m) && m.type ? plain(m.type) : plain(m);
                  return name === undefined ? [] : [[name, type] as const];
                }),
              ),
            }
          : {}),
      }));
      const returns = fn.type ? plain(fn.type) : undefined;
      const generics = fn.typeParameters ? `<${fn.typeParameters.map(plain).join(', ')}>` : '';
      const arrow = ts.isFunctionTypeNode(fn) || ts.isArrowFunction(fn) ? ' =>' : ':';
      const text = `${generics}(${fn.parameters.map(plain).join(', ')})${returns ? `${arrow} ${returns}` : ''}`;
      return { text, params, ...(returns ? { returns } : {}) };
    }
    if ((ts.isPropertySignature(node) || ts.isPropertyDeclaration(node)) && node.type)
      return { text: plain(node.type) };
    if (ts.isTypeAliasDeclaration(node) && !ts.isTypeLiteralNode(node.type))
      return { text: plain(node.type) };
    return { text: fallback };
  };

  const paramText = (p: TS.ParameterDeclaration) =>
    `${p.dotDotDotToken ? '...' : ''}${p.questionToken || p.initializer ? '?' : ''}: ${p.type ? print(p.type) : 'any'}`;
  const signatureOf = (node: TS.SignatureDeclarationBase) =>
    `${node.typeParameters ? `<${node.typeParameters.map(print).join(', ')}>` : ''}(${node.parameters
      .map(paramText)
      .join(', ')})${node.type ? `: ${print(node.type)}` : ''}`;

  const add = (name: string, node: TS.Node, signature: string, extra: Partial<ApiEntry> = {}) => {
    const startLine = lineOf(node.getStart(sf));
    const endLine = lineOf(node.getEnd());
    const existing = api.get(name);
    if (existing) {
      // Overloads and declaration merging: one entry with every signature.
      existing.signature = `${existing.signature} | ${signature}`;
      existing.endLine = Math.max(existing.endLine, endLine);
      return;
    }
    api.set(name, {
      name,
      signature,
      optional: false,
      implementable: false,
      startLine,
      endLine,
      shape: () => shapeOf(node, signature),
      ...extra,
    });
  };

  const memberName = (name: TS.PropertyName | undefined): string | undefined => {
    if (!name) return undefined;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
    if (ts.isPrivateIdentifier(name)) return undefined;
    return print(name);
  };

  const addMembers = (parent: string, members: TS.NodeArray<TS.Node>, implementable: boolean) => {
    for (const member of members) {
      if (
        hasModifier(member, ts.SyntaxKind.PrivateKeyword) ||
        hasModifier(member, ts.SyntaxKind.ProtectedKeyword)
      )
        continue;
      let name: string | undefined;
      let signature: string;
      let optional = false;
      if (ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) {
        name = memberName(member.name);
        signature = member.type ? print(member.type) : 'any';
        optional = Boolean(member.questionToken);
      } else if (ts.isMethodSignature(member) || ts.isMethodDeclaration(member)) {
        name = memberName(member.name);
        signature = signatureOf(member);
        optional = Boolean(member.questionToken);
      } else if (ts.isGetAccessor(member) || ts.isSetAccessor(member)) {
        name = memberName(member.name);
        signature = `${ts.isGetAccessor(member) ? 'get' : 'set'}${signatureOf(member)}`;
      } else if (ts.isCallSignatureDeclaration(member)) {
        name = '()';
        signature = signatureOf(member);
      } else if (ts.isConstructSignatureDeclaration(member) || ts.isConstructorDeclaration(member)) {
        name = 'new()';
        signature = signatureOf(member);
      } else if (ts.isIndexSignatureDeclaration(member)) {
        name = '[index]';
        signature = signatureOf(member);
      } else if (ts.isEnumMember(member)) {
        name = memberName(member.name);
        signature = member.initializer ? print(member.initializer) : '';
      } else continue;
      if (name === undefined) continue;
      add(`${parent}.${name}`, member, signature, { parent, optional, implementable });
    }
  };

  const typeParams = (node: { typeParameters?: TS.NodeArray<TS.TypeParameterDeclaration> }) =>
    node.typeParameters ? `<${node.typeParameters.map(print).join(', ')}>` : '';
  const heritage = (node: TS.ClassLikeDeclaration | TS.InterfaceDeclaration) =>
    (node.heritageClauses ?? []).map(print).join(' ');

  /** Adds `name` for a declaration node, with its members. */
  const declare = (name: string, node: TS.Node) => {
    if (ts.isFunctionDeclaration(node)) add(name, node, `function${signatureOf(node)}`);
    else if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      add(name, node, `class${typeParams(node)} ${heritage(node)}`.trim());
      addMembers(name, node.members, false);
    } else if (ts.isInterfaceDeclaration(node)) {
      add(name, node, `interface${typeParams(node)} ${heritage(node)}`.trim());
      addMembers(name, node.members, true);
    } else if (ts.isTypeAliasDeclaration(node)) {
      if (ts.isTypeLiteralNode(node.type)) {
        add(name, node, `type${typeParams(node)} {}`);
        addMembers(name, node.type.members, true);
      } else add(name, node, `type${typeParams(node)} = ${print(node.type)}`);
    } else if (ts.isEnumDeclaration(node)) {
      add(name, node, 'enum');
      addMembers(name, node.members, false);
    } else if (ts.isModuleDeclaration(node)) {
      add(name, node, 'namespace');
      if (node.body && ts.isModuleBlock(node.body)) visit(node.body.statements, `${name}.`);
    } else if (ts.isVariableDeclaration(node)) {
      const init = node.initializer;
      const signature = node.type
        ? print(node.type)
        : init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))
          ? `function${signatureOf(init)}`
          : 'value';
      add(name, node, signature);
    } else add(name, node, 'value');
  };

  const locals = new Map<string, TS.Node>();
  const visit = (statements: TS.NodeArray<TS.Statement>, prefix: string) => {
    for (const statement of statements) {
      const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
      const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
      const named = statement as TS.Statement & { name?: TS.Node };
      if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) {
          if (!ts.isIdentifier(d.name)) continue;
          locals.set(d.name.text, d);
          if (exported) declare(`${prefix}${d.name.text}`, d);
        }
      } else if (named.name && ts.isIdentifier(named.name)) {
        locals.set(named.name.text, statement);
        if (exported) declare(`${prefix}${isDefault ? 'default' : named.name.text}`, statement);
      } else if (exported && isDefault) declare(`${prefix}default`, statement);
      else if (ts.isExportDeclaration(statement)) exportList(statement, prefix);
      else if (ts.isExportAssignment(statement)) {
        const local = ts.isIdentifier(statement.expression)
          ? locals.get(statement.expression.text)
          : undefined;
        const name = `${prefix}${statement.isExportEquals ? 'export=' : 'default'}`;
        if (local) declare(name, local);
        else add(name, statement, 'value');
      } else if (ts.isExpressionStatement(statement)) commonJs(statement, prefix);
    }
  };

  const exportList = (statement: TS.ExportDeclaration, prefix: string) => {
    const from = statement.moduleSpecifier ? ` from ${print(statement.moduleSpecifier)}` : '';
    const clause = statement.exportClause;
    if (!clause) add(`${prefix}*${from}`, statement, 're-export');
    else if (ts.isNamespaceExport(clause)) add(`${prefix}${clause.name.text}`, statement, `namespace${from}`);
    else {
      for (const spec of clause.elements) {
        const local = (spec.propertyName ?? spec.name).getText(sf);
        const name = `${prefix}${spec.name.getText(sf)}`;
        const node = from ? undefined : locals.get(local);
        if (node) declare(name, node);
        else add(name, spec, `re-export ${local}${from}`);
      }
    }
  };

  /** `module.exports = { a, b }`, `module.exports.x = …`, `exports.x = …`. */
  const commonJs = (statement: TS.ExpressionStatement, prefix: string) => {
    const e = statement.expression;
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const target = e.left.getText(sf);
    if (target === 'module.exports' && ts.isObjectLiteralExpression(e.right)) {
      for (const p of e.right.properties) {
        const name = memberName(p.name);
        if (name)
          add(`${prefix}${name}`, p, ts.isMethodDeclaration(p) ? `function${signatureOf(p)}` : 'value');
      }
    } else {
      const match = /^(?:module\.)?exports\.([\w$]+)$/.exec(target);
      if (match) add(`${prefix}${match[1]}`, statement, 'value');
    }
  };

  // Locals first, so `export { a }` after or before `const a` both find the declaration.
  for (const statement of sf.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name)) locals.set(d.name.text, d);
    } else {
      const named = statement as TS.Statement & { name?: TS.Node };
      if (named.name && ts.isIdentifier(named.name)) locals.set(named.name.text, statement);
    }
  }
  visit(sf.statements, '');
  extracted.set(sf, api);
  return api;
}

/** The function (or function type) an API entry's node declares or holds, if any. */
function callableOf(node: TS.Node): TS.SignatureDeclarationBase | undefined {
  const unwrap = (type: TS.TypeNode | undefined): TS.TypeNode | undefined =>
    type && ts.isParenthesizedTypeNode(type) ? unwrap(type.type) : type;
  if (ts.isFunctionLike(node)) return node;
  if (ts.isPropertySignature(node) || ts.isPropertyDeclaration(node) || ts.isVariableDeclaration(node)) {
    const type = unwrap(node.type);
    if (type && ts.isFunctionTypeNode(type)) return type;
    const init = ts.isPropertySignature(node) ? undefined : node.initializer;
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return init;
  }
  return undefined;
}

export type ApiChangeKind =
  | 'export-removed'
  | 'export-renamed'
  | 'export-changed'
  | 'member-removed'
  | 'member-renamed'
  | 'member-changed'
  | 'member-now-required'
  | 'member-added-required';

export interface ApiChange {
  kind: ApiChangeKind;
  before?: ApiEntry;
  after?: ApiEntry;
}

/** A comparable fingerprint of an entry and its members, for telling a rename from a removal. */
function shapeOf(api: Map<string, ApiEntry>, entry: ApiEntry): string {
  const members = [...api.values()]
    .filter((m) => m.parent === entry.name)
    .map((m) => `${m.name.slice(entry.name.length)}${m.optional ? '?' : ''}:${m.signature}`)
    .sort();
  return `${entry.optional ? '?' : ''}${entry.signature}{${members.join(';')}}`;
}

/** How the API changed between two versions of a module. */
export function compareApi(from: Map<string, ApiEntry>, to: Map<string, ApiEntry>): ApiChange[] {
  const known = compared.get(from);
  if (known?.to === to) return known.changes;
  const changes: ApiChange[] = [];
  const gone = new Set<string>();
  const renamedTo = new Set<string>();
  // Parents first, so members of a removed or renamed export are not listed one by one.
  const entries = [...from.values()].sort((a, b) => a.name.split('.').length - b.name.split('.').length);
  for (const before of entries) {
    if (before.parent && gone.has(before.parent)) {
      gone.add(before.name);
      continue;
    }
    const after = to.get(before.name);
    const member = before.parent !== undefined;
    if (!after) {
      gone.add(before.name);
      const shape = shapeOf(from, before);
      const candidates = [...to.values()].filter(
        (c) =>
          c.parent === before.parent &&
          !from.has(c.name) &&
          !renamedTo.has(c.name) &&
          shapeOf(to, c) === shape,
      );
      const renamed = candidates.length === 1 ? candidates[0] : undefined;
      if (renamed) renamedTo.add(renamed.name);
      changes.push({
        kind: renamed
          ? member
            ? 'member-renamed'
            : 'export-renamed'
          : member
            ? 'member-removed'
            : 'export-removed',
        before,
        after: renamed,
      });
    } else if (after.signature !== before.signature) {
      changes.push({ kind: member ? 'member-changed' : 'export-changed', before, after });
    } else if (before.optional && !after.optional) {
      changes.push({ kind: 'member-now-required', before, after });
    }
  }
  for (const after of to.values()) {
    if (from.has(after.name) || renamedTo.has(after.name) || !after.parent || !from.has(after.parent))
      continue;
    if (after.implementable && !after.optional) changes.push({ kind: 'member-added-required', after });
  }
  compared.set(from, { to, changes });
  return changes;
}
