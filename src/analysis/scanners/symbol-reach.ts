import type { RepoReader } from '../../git/reader.js';
import { getOrCreate } from '../../util/group.js';
import type { Anchor } from '../anchors/types.js';
import type { TS } from '../parse/typescript.js';
import { type Resolved, upstreamModules } from './package-reach.js';

/** Declarations read at most; past it, the answer is "not known" (the file-level reach decides). */
const MAX_DECLARATIONS = 20_000;

/** What one upstream file declares, imports and re-exports, by name (top level only). */
interface ModuleShape {
  declarations: Map<string, { nodes: TS.Node[]; exported: boolean }>;
  /** Local name → the specifier and the name it has there (`default`, `*` for a namespace). */
  imports: Map<string, { specifier: string; name: string }>;
  /** Exported name → the local name, and the specifier when it is re-exported from another module. */
  reexports: Map<string, { local: string; specifier?: string }>;
  stars: string[];
}

function shapeOf(ts: typeof TS, file: TS.SourceFile): ModuleShape {
  const shape: ModuleShape = { declarations: new Map(), imports: new Map(), reexports: new Map(), stars: [] };
  const declare = (name: string, node: TS.Node, exported: boolean) => {
    const known = shape.declarations.get(name);
    if (known) {
      known.nodes.push(node);
      known.exported ||= exported;
    } else shape.declarations.set(name, { nodes: [node], exported });
  };
  for (const statement of file.statements) {
    const exported =
      ts.canHaveModifiers(statement) &&
      (ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const specifier = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (clause?.name) shape.imports.set(clause.name.text, { specifier, name: 'default' });
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings))
        shape.imports.set(bindings.name.text, { specifier, name: '*' });
      else if (bindings)
        for (const e of bindings.elements)
          shape.imports.set(e.name.text, { specifier, name: (e.propertyName ?? e.name).text });
    } else if (ts.isExportDeclaration(statement)) {
      const specifier =
        statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      const clause = statement.exportClause;
      if (!clause) {
        if (specifier) shape.stars.push(specifier);
      } else if (ts.isNamedExports(clause)) {
        for (const e of clause.elements)
          shape.reexports.set(e.name.text, {
            local: (e.propertyName ?? e.name).text,
            ...(specifier ? { specifier } : {}),
          });
      } else if (specifier) shape.reexports.set(clause.name.text, { local: '*', specifier });
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name)) declare(d.name.text, d, exported);
    } else if (
      (ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isFunctionDeclaration(statement) ||
        ts.isEnumDeclaration(statement) ||
        ts.isModuleDeclaration(statement)) &&
      statement.name &&
      ts.isIdentifier(statement.name)
    )
      declare(statement.name.text, statement, exported);
    else if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression))
      shape.reexports.set('default', { local: statement.expression.text });
  }
  return shape;
}

/**
 * Which declarations of the upstream's own packages the downstream reaches through the names it
 * imports (`import { Plugin } from '@opencode-ai/plugin'`): each such export, then every top-level
 * name its declaration mentions, in its own file or through that file's imports and re-exports,
 * across the upstream's packages. A member change of a type outside that set cannot reach the
 * downstream's code by its types. Answers undefined where it cannot tell (a module imported whole
 * or by default, an entry that is no file here, a namespace import on the way, too much to read):
 * the file-level reach decides there.
 */
export function symbolReach(
  reader: RepoReader,
  anchors: readonly Anchor[],
  upstream = upstreamModules(reader),
) {
  const run = async () => {
    if (!(await upstream.packages())) return undefined;
    const { ts, parseScript } = await import('../parse/typescript.js');
    const shapes = new Map<string, Promise<ModuleShape | undefined>>();
    const shape = (file: string) =>
      getOrCreate(shapes, file, async () => {
        const text = await reader.readFile('from', file);
        return text === undefined ? undefined : shapeOf(ts, parseScript(file, text));
      });
    const reached = new Set<string>();
    /** Package folders (or files) where the answer is not known: a namespace import, a missing entry. */
    const unknown = new Set<string>();
    let unknownAll = false;
    const key = (file: string, name: string) => `${file}\0${name}`;
    const fromResolved = async (resolved: Resolved, name: string) => {
      if ('file' in resolved) await exported(resolved.file, name, new Set());
      else if ('missing' in resolved) unknown.add(resolved.missing);
    };
    /** Marks what `name`, exported by `file`, stands for. */
    const exported = async (file: string, name: string, seen: Set<string>): Promise<boolean> => {
      if (seen.has(key(file, name))) return false;
      seen.add(key(file, name));
      const s = await shape(file);
      if (!s) return false;
      if (name === '*') {
        unknown.add(file);
        return true;
      }
      const re = s.reexports.get(name);
      if (re) {
        if (re.specifier) {
          const resolved = await upstream.resolve(file, re.specifier);
          if (re.local === '*' || !('file' in resolved)) {
            if ('file' in resolved) unknown.add(resolved.file);
            else if ('missing' in resolved) unknown.add(resolved.missing);
            return true;
          }
          return exported(resolved.file, re.local, seen);
        }
        return local(file, re.local);
      }
      if (s.declarations.get(name)?.exported) return local(file, name);
      let found = false;
      for (const star of s.stars) {
        const resolved = await upstream.resolve(file, star);
        if ('missing' in resolved) unknown.add(resolved.missing);
        if ('file' in resolved && (await exported(resolved.file, name, seen))) found = true;
      }
      return found;
    };
    /** Marks the top-level `name` of `file` (a declaration, or an import) and all its declaration mentions. */
    const local = async (file: string, name: string): Promise<boolean> => {
      const s = await shape(file);
      if (!s) return false;
      const declaration = s.declarations.get(name);
      if (declaration) {
        if (reached.has(key(file, name))) return true;
        if (reached.size >= MAX_DECLARATIONS) {
          unknownAll = true;
          return true;
        }
        reached.add(key(file, name));
        const mentioned = new Set<string>();
        const visit = (node: TS.Node) => {
          if (ts.isIdentifier(node)) mentioned.add(node.text);
          ts.forEachChild(node, visit);
        };
        for (const node of declaration.nodes) ts.forEachChild(node, visit);
        for (const m of mentioned)
          if (m !== name && (s.declarations.has(m) || s.imports.has(m))) await local(file, m);
        return true;
      }
      const imported = s.imports.get(name);
      if (!imported) return false;
      const resolved = await upstream.resolve(file, imported.specifier);
      if ('file' in resolved && imported.name === '*') unknown.add(resolved.file);
      else if (imported.name === 'default' && 'file' in resolved)
        await exported(resolved.file, 'default', new Set());
      else await fromResolved(resolved, imported.name);
      return true;
    };
    const named = new Set<string>();
    for (const a of anchors) {
      if (a.kind !== 'symbol' || !a.module) continue;
      named.add(a.module);
      await fromResolved(await upstream.entry(a.module), a.value);
    }
    // A module the downstream imports without naming what (namespace, default, side effect): not known.
    for (const a of anchors)
      if (a.kind === 'module' && !named.has(a.value)) {
        const entry = await upstream.entry(a.value);
        if ('file' in entry) unknown.add((await upstream.packageOf(entry.file))?.dir ?? entry.file);
        else if ('missing' in entry) unknown.add(entry.missing);
      }
    return { reached, unknown, unknownAll };
  };
  let done: ReturnType<typeof run> | undefined;
  /** Whether the downstream reaches the top-level `name` of `file`; undefined when it cannot be told. */
  return async (file: string, name: string): Promise<boolean | undefined> => {
    done ??= run();
    const result = await done;
    if (!result || result.unknownAll) return undefined;
    const pkg = await upstream.packageOf(file);
    if (result.unknown.has(file) || (pkg && result.unknown.has(pkg.dir))) return undefined;
    return result.reached.has(`${file}\0${name}`);
  };
}
