/**
 * Doc-comment coverage of a module's exports with the TypeScript compiler API (JS files too, through
 * `allowJs`). The checker follows re-exports (`export * from`, `export { x } from`), so a package's
 * entry points are enough to find its whole public API.
 * @module
 */
import path from 'node:path';
import ts from 'typescript';
import type { DocItem } from '../types.js';
import { readTextInsideSync } from '../../workspace/read-inside.js';
import { isInside } from '../../workspace/files.js';

/**
 * Only symbols are resolved, nothing is type-checked: no default library, no `@types`, no JS inside
 * dependencies, which keeps a large repository's analysis to a second or two.
 */
const COMPILER_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  noEmit: true,
  noLib: true,
  types: [],
  skipLibCheck: true,
  maxNodeModuleJsDepth: 0,
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  jsx: ts.JsxEmit.Preserve,
};

/** JSDoc tags that take a symbol out of the public API. */
const HIDDEN_TAGS = new Set(['internal', 'private', 'ignore', 'hidden']);

/** Whether the node (or, for a variable, its statement) carries a `/** … *\/` comment. */
export function hasDocComment(node: ts.Node): boolean {
  if (ts.isJSDocTypedefTag(node) || ts.isJSDocCallbackTag(node)) {
    // A JSDoc type lives inside its comment: it is documented when the comment or the tag says something.
    const text = (c: ts.JSDoc['comment'] | ts.JSDocTag['comment']) => (typeof c === 'string' ? c : (c ?? []).map((p) => p.text).join(''));
    return text(node.comment).trim() !== '' || (ts.isJSDoc(node.parent) && text(node.parent.comment).trim() !== '');
  }
  if (ts.getJSDocCommentsAndTags(node).length > 0) return true;
  const target = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  const text = target.getSourceFile().getFullText();
  const ranges = ts.getLeadingCommentRanges(text, target.getFullStart()) ?? [];
  return ranges.some((r) => text.startsWith('/**', r.pos) && !text.startsWith('/**/', r.pos));
}

function isHidden(node: ts.Node): boolean {
  return ts.getJSDocTags(node).some((tag) => HIDDEN_TAGS.has(tag.tagName.text));
}

function kindOf(node: ts.Declaration): string | undefined {
  if (ts.isFunctionDeclaration(node)) return 'function';
  if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) return 'class';
  if (ts.isInterfaceDeclaration(node)) return 'interface';
  if (ts.isTypeAliasDeclaration(node) || ts.isJSDocTypedefTag(node) || ts.isJSDocCallbackTag(node)) return 'type';
  if (ts.isEnumDeclaration(node)) return 'enum';
  if (ts.isModuleDeclaration(node)) return 'namespace';
  if (ts.isVariableDeclaration(node)) return node.parent.flags & ts.NodeFlags.Const ? 'const' : 'variable';
  if (ts.isExportAssignment(node) || ts.isBinaryExpression(node) || ts.isPropertyAssignment(node)) return 'value';
  if (ts.isShorthandPropertyAssignment(node) || ts.isPropertyAccessExpression(node)) return 'value';
  return undefined;
}

function lineOf(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function isPublicMember(member: ts.ClassElement): boolean {
  if (!ts.isMethodDeclaration(member) || member.name === undefined) return false;
  if (ts.isPrivateIdentifier(member.name)) return false;
  const flags = ts.getCombinedModifierFlags(member);
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0 && !isHidden(member);
}

/**
 * The compiler's file system, reading the checkout's files as {@link readTextInsideSync} does: the
 * tests ran in the checkout before this, and a link they left to a device, a FIFO or a file of the
 * host is read as a missing file. The compiler's own library files are read as usual.
 */
function checkoutHost(dir: string): ts.CompilerHost {
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => {
    if (!isInside(dir, path.resolve(fileName))) return readFile(fileName);
    try {
      return readTextInsideSync(dir, fileName);
    } catch {
      return undefined;
    }
  };
  return host;
}

/** Collects the examined symbols of each file's exports, declared inside `dir`, one item per declaration. */
export function collectDocItems(dir: string, files: readonly string[]): DocItem[] {
  const program = ts.createProgram({ rootNames: files, options: COMPILER_OPTIONS, host: checkoutHost(dir) });
  const checker = program.getTypeChecker();
  const seen = new Set<ts.Node>();
  const items: DocItem[] = [];
  const inRepo = (sf: ts.SourceFile) =>
    !program.isSourceFileFromExternalLibrary(sf) && isInside(dir, path.resolve(sf.fileName));
  const add = (decls: ts.Declaration[], name: string, kind: string) => {
    const first = decls[0];
    if (!first) return;
    items.push({
      path: path.relative(dir, first.getSourceFile().fileName).split(path.sep).join('/'),
      line: lineOf(first),
      name,
      kind,
      documented: decls.some(hasDocComment),
    });
  };
  for (const file of files) {
    const sf = program.getSourceFile(file);
    const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      // A leading underscore marks an export as private by convention (CommonJS has no other way).
      if (exported.name.startsWith('_')) continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = (symbol.declarations ?? []).filter((d) => inRepo(d.getSourceFile()) && !seen.has(d));
      const kind = decls[0] && kindOf(decls[0]);
      if (kind === undefined || decls.some(isHidden)) continue;
      for (const d of decls) seen.add(d);
      add(decls, exported.name, kind);
      const cls = decls.find((d): d is ts.ClassDeclaration => ts.isClassDeclaration(d) || ts.isClassExpression(d));
      if (!cls) continue;
      const methods = new Map<string, ts.MethodDeclaration[]>();
      for (const member of cls.members.filter(isPublicMember) as ts.MethodDeclaration[]) {
        const memberName = member.name.getText();
        methods.set(memberName, [...(methods.get(memberName) ?? []), member]);
      }
      for (const [memberName, overloads] of methods) add(overloads, `${exported.name}.${memberName}`, 'method');
    }
  }
  return items.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
}
