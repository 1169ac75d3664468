import { addTo } from '../../util/group.js';
import { type TS, ts } from '../parse/typescript.js';
import { type Container, Containers, type ContainerValue } from './containers.js';
import { parseSource } from './ts-api.js';

// --- TypeScript / JavaScript (compiler API) ----------------------------------------------------

const nameText = (name: TS.Node | undefined): string | undefined =>
  name &&
  (ts.isIdentifier(name) ||
    ts.isStringLiteralLike(name) ||
    ts.isNumericLiteral(name) ||
    ts.isPrivateIdentifier(name))
    ? name.text
    : undefined;

/** Sibling containers of a TS/JS file, read with the compiler API. */
export function tsContainers(source: string, fileName: string): Container[] {
  const sf = parseSource(fileName, source);
  const out = new Containers();
  const line = (node: TS.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: TS.Node, scope: string, parent?: TS.Node) => {
    const named = node as TS.Node & { name?: TS.Node };
    const own =
      ts.isVariableDeclaration(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isEnumDeclaration(node) ||
      ts.isModuleDeclaration(node) ||
      ts.isPropertySignature(node) ||
      ts.isPropertyDeclaration(node) ||
      ts.isPropertyAssignment(node) ||
      ts.isMethodDeclaration(node)
        ? nameText(named.name)
        : undefined;
    const inner = own ? `${scope}/${own}` : scope;
    if (ts.isEnumDeclaration(node)) {
      const values = node.members.flatMap((m) => {
        const name = nameText(m.name);
        const init = m.initializer && ts.isStringLiteralLike(m.initializer) ? m.initializer : undefined;
        return [
          ...(name ? [{ value: name, line: line(m) }] : []),
          ...(init ? [{ value: init.text, line: line(init) }] : []),
        ];
      });
      out.add(`${inner}::`, 'enum', `\`${node.name.text}\` member`, true, values);
    } else if (ts.isUnionTypeNode(node)) {
      const values = node.types.flatMap((t) =>
        ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)
          ? [{ value: t.literal.text, line: line(t) }]
          : [],
      );
      out.add(`${scope}|`, 'union', 'value', false, values);
    } else if (ts.isArrayLiteralExpression(node)) {
      const strings = node.elements.flatMap((e) =>
        ts.isStringLiteralLike(e) ? [{ value: e.text, line: line(e) }] : [],
      );
      out.add(`${scope}[]`, 'array', 'value', false, strings);
      const byField = new Map<string, ContainerValue[]>();
      for (const e of node.elements) {
        if (!ts.isObjectLiteralExpression(e)) continue;
        for (const p of e.properties) {
          if (!ts.isPropertyAssignment(p)) continue;
          const field = nameText(p.name);
          if (field && ts.isStringLiteralLike(p.initializer))
            addTo(byField, field, { value: p.initializer.text, line: line(p.initializer) });
        }
      }
      for (const [field, values] of byField) out.add(`${scope}[].${field}`, 'array', 'value', false, values);
    } else if (ts.isObjectLiteralExpression(node) && !(parent && ts.isArrayLiteralExpression(parent))) {
      // Keys of the objects in an array are fields, not options: the array's per-field containers hold those.
      const keys = node.properties.flatMap((p) => {
        const key = nameText(p.name);
        return key === undefined ? [] : [{ value: key, line: line(p) }];
      });
      out.add(`${scope}{}`, 'object', 'key', false, keys);
    } else if (ts.isSwitchStatement(node)) {
      const values = node.caseBlock.clauses.flatMap((c) =>
        ts.isCaseClause(c) && ts.isStringLiteralLike(c.expression)
          ? [{ value: c.expression.text, line: line(c) }]
          : [],
      );
      out.add(
        `${scope}/switch ${node.expression.getText(sf).replace(/\s+/g, '')}`,
        'match',
        'case',
        false,
        values,
      );
    }
    ts.forEachChild(node, (child) => visit(child, inner, node));
  };
  visit(sf, '');
  return out.list();
}

/** String literals an expression may evaluate to: itself, or the branches of a conditional. */
function choices(node: TS.Expression): TS.StringLiteralLike[] {
  const inner = ts.isParenthesizedExpression(node) ? node.expression : node;
  if (ts.isStringLiteralLike(inner)) return [inner];
  if (ts.isConditionalExpression(inner)) return [...choices(inner.whenTrue), ...choices(inner.whenFalse)];
  return [];
}

const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);
const LOGICAL = new Set([ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken]);

/**
 * The sets of values one downstream file names together, each in one construct of its own: the
 * strings of one union, enum, array (or one field across an array of objects), object (its string
 * values and quoted keys), switch, conditional (its branches), condition (the strings it compares one
 * thing against: `effort === 'low' || effort === 'minimal'`) and the strings one function returns.
 * Values named together say "this is the set I handle"; one value alone says nothing of a set. Only
 * string literals count (what anchor mining saw), and each construct is one node: two objects of one
 * function are two sets. JSON files are read as one object literal.
 */
export function tsValueGroups(source: string, fileName: string): ContainerValue[][] {
  const sf = parseSource(fileName, source);
  const groups: ContainerValue[][] = [];
  const line = (node: TS.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const add = (values: TS.StringLiteralLike[]) => {
    if (values.length > 1) groups.push(values.map((v) => ({ value: v.text, line: line(v) })));
  };
  const strings = (nodes: readonly TS.Node[]) => nodes.filter(ts.isStringLiteralLike);
  /** Strings compared against each expression inside one condition, by the expression's text. */
  const compared = (node: TS.Expression, into: Map<string, TS.StringLiteralLike[]>) => {
    if (ts.isParenthesizedExpression(node)) compared(node.expression, into);
    if (!ts.isBinaryExpression(node)) return;
    const op = node.operatorToken.kind;
    if (LOGICAL.has(op)) {
      compared(node.left, into);
      compared(node.right, into);
    } else if (EQUALITY.has(op)) {
      const [subject, value] = ts.isStringLiteralLike(node.right)
        ? [node.left, node.right]
        : ts.isStringLiteralLike(node.left)
          ? [node.right, node.left]
          : [];
      if (subject && value) {
        const key = subject.getText(sf);
        addTo(into, key, value);
      }
    }
  };
  // The parse keeps no parent pointers: the walk hands each node its parent.
  const visit = (node: TS.Node, parent?: TS.Node) => {
    if (ts.isUnionTypeNode(node))
      add(
        node.types.flatMap((t) =>
          ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? [t.literal] : [],
        ),
      );
    else if (ts.isEnumDeclaration(node))
      add(
        node.members.flatMap((m) =>
          m.initializer && ts.isStringLiteralLike(m.initializer) ? [m.initializer] : [],
        ),
      );
    else if (ts.isArrayLiteralExpression(node)) {
      add(strings(node.elements));
      const byField = new Map<string, TS.StringLiteralLike[]>();
      for (const e of node.elements) {
        if (!ts.isObjectLiteralExpression(e)) continue;
        for (const p of e.properties) {
          if (!ts.isPropertyAssignment(p) || !ts.isStringLiteralLike(p.initializer)) continue;
          const field = nameText(p.name);
          if (field !== undefined) addTo(byField, field, p.initializer);
        }
      }
      for (const values of byField.values()) add(values);
    } else if (ts.isObjectLiteralExpression(node))
      add(
        node.properties.flatMap((p) => [
          ...(p.name && ts.isStringLiteral(p.name) ? [p.name] : []),
          ...(ts.isPropertyAssignment(p) ? choices(p.initializer) : []),
        ]),
      );
    else if (ts.isSwitchStatement(node))
      add(node.caseBlock.clauses.flatMap((c) => (ts.isCaseClause(c) ? choices(c.expression) : [])));
    else if (ts.isConditionalExpression(node) && !(parent && ts.isConditionalExpression(parent)))
      add(choices(node));
    else if (
      ts.isBinaryExpression(node) &&
      LOGICAL.has(node.operatorToken.kind) &&
      !(parent && ts.isBinaryExpression(parent) && LOGICAL.has(parent.operatorToken.kind))
    ) {
      const into = new Map<string, TS.StringLiteralLike[]>();
      compared(node, into);
      for (const values of into.values()) add(values);
    } else if (ts.isFunctionLike(node) && 'body' in node && node.body && ts.isBlock(node.body)) {
      const returned: TS.StringLiteralLike[] = [];
      const walk = (n: TS.Node): void => {
        if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
        if (ts.isReturnStatement(n) && n.expression) returned.push(...choices(n.expression));
        ts.forEachChild(n, walk);
      };
      ts.forEachChild(node.body, walk);
      add(returned);
    }
    ts.forEachChild(node, (child) => visit(child, node));
  };
  visit(sf);
  return groups;
}
