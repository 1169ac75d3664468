import { builtinModules } from 'node:module';
import { parseScript, type TS, ts } from '../parse/typescript.js';
import { classifyString, HOLE, isEnvName, isHeaderToken, isPackageSpecifier, type Named } from './strings.js';

/** Receives each thing found with the offset it was found at. */
export type Emit = (named: Named, offset: number) => void;

/** Read once: the SyntaxKind enum is a dictionary-mode object, slow to read at every node. */
const {
  ArrowFunction,
  AsExpression,
  CallExpression,
  ElementAccessExpression,
  ExportDeclaration,
  FunctionDeclaration,
  FunctionExpression,
  ImportDeclaration,
  ImportKeyword,
  MethodDeclaration,
  NewExpression,
  NoSubstitutionTemplateLiteral,
  PropertyAccessExpression,
  PropertyAssignment,
  SatisfiesExpression,
  StringLiteral,
  TemplateExpression,
  VariableDeclaration,
} = ts.SyntaxKind;
const BUILTINS = new Set(builtinModules);
const HEADERS_NAME = /headers?$/i;
const CONSTANT_KEY = /^[A-Z][A-Z0-9_]*$/;
const HEADER_METHODS = new Set(['set', 'get', 'has', 'append', 'delete']);
/** Keys of objects nested in a hook object are hooks too (`auth.loader`), to this depth. */
const HOOK_DEPTH = 2;

/**
 * Mines one TS/JS file with the compiler's parser (no type checker: a Program over the whole
 * downstream costs seconds). Hooks are found syntactically: object literals annotated with, returned
 * from a function annotated with, or `satisfies`/`as` an imported type. A hook object built elsewhere
 * and passed through a variable, or typed only by inference, is not seen.
 */
export function mineTypeScript(fileName: string, text: string, emit: Emit): void {
  const sf = parseScript(fileName, text);
  const imported = new Map<string, string>();
  for (const statement of sf.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    // Hooks are keys of a type from a package; the downstream's own types say nothing of the upstream.
    if (!isPackageSpecifier(statement.moduleSpecifier.text, BUILTINS)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements)
        imported.set(element.name.text, statement.moduleSpecifier.text);
    }
  }
  /** Strings already given a kind by their position (import specifier, header, hook key). */
  const claimed = new Set<TS.Node>();
  const at = (node: TS.Node) => node.getStart(sf);
  const claim = (node: TS.Node, named: Named) => {
    claimed.add(node);
    emit(named, at(node));
  };

  const moduleOf = (spec: TS.Expression): string | undefined => {
    if (!ts.isStringLiteralLike(spec)) return undefined;
    if (!isPackageSpecifier(spec.text, BUILTINS)) {
      claimed.add(spec);
      return undefined;
    }
    claim(spec, { kind: 'module', value: spec.text });
    return spec.text;
  };

  const importedType = (type: TS.TypeNode | undefined): string | undefined => {
    if (!type || !ts.isTypeReferenceNode(type)) return undefined;
    const name = ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
    const direct = imported.get(name);
    if (direct) return direct;
    // Promise<Hooks>, Partial<Hooks>, Awaitable<Hooks>…
    for (const argument of type.typeArguments ?? []) {
      const inner = importedType(argument);
      if (inner) return inner;
    }
    return undefined;
  };

  const hookObjects = (node: TS.Node | undefined, module: string, depth: number): void => {
    if (!node) return;
    const expression = unwrap(node);
    if (ts.isObjectLiteralExpression(expression)) {
      for (const property of expression.properties) {
        const name = property.name && propertyName(property.name);
        if (!property.name || name === undefined) continue;
        claim(property.name, { kind: 'hook', value: name, module });
        if (depth + 1 < HOOK_DEPTH && ts.isPropertyAssignment(property)) {
          hookObjects(property.initializer, module, depth + 1);
        }
      }
    } else if (ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) {
      forEachReturned(expression.body, (returned) => hookObjects(returned, module, depth));
    }
  };

  const headerObject = (object: TS.ObjectLiteralExpression): void => {
    const assignments = object.properties.filter(ts.isPropertyAssignment);
    // `OPENAI_HEADERS = { BETA: "OpenAI-Beta" }` names headers in its values; `headers: {…}` in its keys.
    const constantTable =
      assignments.length > 0 &&
      assignments.every(
        (p) => CONSTANT_KEY.test(propertyName(p.name) ?? '') && ts.isStringLiteralLike(p.initializer),
      );
    for (const property of assignments) {
      const node = constantTable ? property.initializer : property.name;
      const name = constantTable
        ? (property.initializer as TS.StringLiteralLike).text
        : propertyName(property.name);
      if (name !== undefined && isHeaderToken(name)) claim(node, { kind: 'header', value: name });
    }
  };

  const visit = (node: TS.Node): void => {
    switch (node.kind) {
      case ImportDeclaration:
      case ExportDeclaration: {
        const declaration = node as TS.ImportDeclaration | TS.ExportDeclaration;
        const spec = declaration.moduleSpecifier;
        const module = spec ? moduleOf(spec) : undefined;
        if (module) {
          const bindings = ts.isImportDeclaration(declaration)
            ? declaration.importClause?.namedBindings
            : declaration.exportClause;
          const elements =
            bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings)) ? bindings.elements : [];
          for (const element of elements) {
            const symbol = element.propertyName ?? element.name;
            emit({ kind: 'symbol', value: symbol.text, module }, at(symbol));
          }
        }
        break;
      }
      case CallExpression: {
        const call = node as TS.CallExpression;
        const [first] = call.arguments;
        if (call.expression.kind === ImportKeyword && first) moduleOf(first);
        else if (ts.isIdentifier(call.expression) && call.expression.text === 'require' && first)
          moduleOf(first);
        else if (ts.isPropertyAccessExpression(call.expression) && first && ts.isStringLiteralLike(first)) {
          const method = call.expression.name.text;
          const receiver = call.expression.expression;
          if (HEADER_METHODS.has(method) && HEADERS_NAME.test(lastName(receiver) ?? '')) {
            if (isHeaderToken(first.text)) claim(first, { kind: 'header', value: first.text });
          } else if (method === 'get' && isEnvObject(receiver) && isEnvLike(first.text)) {
            claim(first, { kind: 'env', value: first.text });
          }
        }
        break;
      }
      case NewExpression: {
        const created = node as TS.NewExpression;
        const [first] = created.arguments ?? [];
        if (ts.isIdentifier(created.expression) && created.expression.text === 'Headers' && first) {
          const object = unwrap(first);
          if (ts.isObjectLiteralExpression(object)) headerObject(object);
        }
        break;
      }
      case PropertyAccessExpression: {
        const access = node as TS.PropertyAccessExpression;
        // `Deno.env.get(…)` is a call, handled above.
        if (isEnvObject(access.expression) && !isDenoEnv(access.expression)) {
          emit({ kind: 'env', value: access.name.text }, at(access.name));
        }
        break;
      }
      case ElementAccessExpression: {
        const access = node as TS.ElementAccessExpression;
        const key = access.argumentExpression;
        if (isEnvObject(access.expression) && ts.isStringLiteralLike(key)) {
          claim(key, { kind: 'env', value: key.text });
        }
        break;
      }
      case VariableDeclaration: {
        const declaration = node as TS.VariableDeclaration;
        const init = declaration.initializer && unwrap(declaration.initializer);
        const module = importedType(declaration.type);
        if (module) hookObjects(declaration.initializer, module, 0);
        if (init && ts.isObjectBindingPattern(declaration.name) && isEnvObject(init as TS.Expression)) {
          for (const element of declaration.name.elements) {
            const key = element.propertyName ?? element.name;
            const name = ts.isIdentifier(key) || ts.isStringLiteralLike(key) ? key.text : undefined;
            if (name) emit({ kind: 'env', value: name }, at(key));
          }
        }
        if (init && ts.isObjectLiteralExpression(init) && ts.isIdentifier(declaration.name)) {
          if (HEADERS_NAME.test(declaration.name.text)) headerObject(init);
        }
        break;
      }
      case PropertyAssignment: {
        const property = node as TS.PropertyAssignment;
        const init = unwrap(property.initializer);
        if (ts.isObjectLiteralExpression(init) && HEADERS_NAME.test(propertyName(property.name) ?? '')) {
          headerObject(init);
        }
        break;
      }
      case SatisfiesExpression:
      case AsExpression: {
        const typed = node as TS.SatisfiesExpression | TS.AsExpression;
        const module = importedType(typed.type);
        if (module) hookObjects(typed.expression, module, 0);
        break;
      }
      case FunctionDeclaration:
      case MethodDeclaration:
      case ArrowFunction:
      case FunctionExpression: {
        const fn = node as TS.FunctionLikeDeclaration;
        const module = importedType(fn.type);
        if (module && fn.body) forEachReturned(fn.body, (returned) => hookObjects(returned, module, 0));
        break;
      }
      case StringLiteral:
      case NoSubstitutionTemplateLiteral: {
        if (!claimed.has(node)) {
          const literal = node as TS.StringLiteralLike;
          for (const named of classifyString(literal.text)) emit(named, at(node));
        }
        return;
      }
      case TemplateExpression: {
        const template = node as TS.TemplateExpression;
        const joined = [template.head.text, ...template.templateSpans.map((span) => span.literal.text)].join(
          HOLE,
        );
        for (const named of classifyString(joined)) emit(named, at(node));
        break;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

function unwrap(node: TS.Node): TS.Node {
  let current: TS.Node = node;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isAwaitExpression(current) ||
      ts.isNonNullExpression(current)
    ) {
      current = current.expression;
    } else return current;
  }
}

/** Expressions a function body returns: the concise body, or each `return` not inside a nested function. */
function forEachReturned(body: TS.ConciseBody, visit: (returned: TS.Expression) => void): void {
  if (!ts.isBlock(body)) {
    visit(body);
    return;
  }
  const walk = (node: TS.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) visit(node.expression);
    ts.forEachChild(node, walk);
  };
  ts.forEachChild(body, walk);
}

function propertyName(name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isNumericLiteral(name)) return undefined;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/** The name an expression ends in: `headers`, `init.headers`, `this.headers` → "headers". */
function lastName(node: TS.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return undefined;
}

/** `process.env`, `Bun.env`, `Deno.env`, `import.meta.env`. */
function isEnvObject(node: TS.Expression): boolean {
  if (!ts.isPropertyAccessExpression(node) || node.name.text !== 'env') return false;
  const owner = node.expression;
  if (ts.isIdentifier(owner))
    return owner.text === 'process' || owner.text === 'Bun' || owner.text === 'Deno';
  return ts.isMetaProperty(owner) && owner.keywordToken === ImportKeyword;
}

const isDenoEnv = (node: TS.Expression) =>
  ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Deno';

const isEnvLike = (text: string) => isEnvName(text) || /^[A-Za-z_][A-Za-z0-9_]*$/.test(text);
