/**
 * The runtime import: `import * as __gradscript from 'gradscript/runtime'` (or a `require`,
 * where the file is emitted as CommonJS), added when a plan calls a helper, dropped when the
 * last helper call settled into a method call.
 */
import type * as ts from 'typescript';
import {
  DEFAULT_RUNTIME_MODULE,
  RUNTIME_NAMESPACE,
  type RewriteOptions,
  type TypeScript,
} from './state';

/** The statement that brings in the runtime helpers, in whichever form it was written. */
export function findRuntimeImport(
  tsi: TypeScript,
  sourceFile: ts.SourceFile,
): ts.Statement | undefined {
  return sourceFile.statements.find((s) => {
    if (tsi.isImportDeclaration(s)) {
      const bindings = s.importClause?.namedBindings;
      return (
        bindings && tsi.isNamespaceImport(bindings) && bindings.name.text === RUNTIME_NAMESPACE
      );
    }
    if (tsi.isImportEqualsDeclaration(s)) return s.name.text === RUNTIME_NAMESPACE;
    return (
      tsi.isVariableStatement(s) &&
      s.declarationList.declarations.some(
        (d) => tsi.isIdentifier(d.name) && d.name.text === RUNTIME_NAMESPACE,
      )
    );
  });
}

/**
 * Where text the file needs first goes: before the first statement, on its line, so that no
 * line number moves; after any prologue, `#!` line, `/// <reference>` directive or pragma,
 * which must come first.
 */
export function firstStatementPosition(tsi: TypeScript, sourceFile: ts.SourceFile): number {
  const first = sourceFile.statements.find(
    (s) => !(tsi.isExpressionStatement(s) && tsi.isStringLiteral(s.expression)),
  )!;
  // A JSDoc comment belongs to its statement (in a JavaScript file it may be its type). Read
  // from the text, since a compiler parses the JSDoc of TypeScript files only on request.
  const jsDoc = tsi
    .getLeadingCommentRanges(sourceFile.text, first.pos)
    ?.find((c) => /^\/\*\*[^/]/.test(sourceFile.text.slice(c.pos, c.pos + 4)));
  return jsDoc ? jsDoc.pos : first.getStart(sourceFile);
}

/** An ES import where the file is emitted as an ES module, else a `require`. */
export function runtimeImportText(
  tsi: TypeScript,
  sourceFile: ts.SourceFile,
  options: RewriteOptions,
): string {
  const specifier = JSON.stringify(options.runtimeModule ?? DEFAULT_RUNTIME_MODULE);
  if (!emitsCommonJs(tsi, options.compilerOptions ?? {}, sourceFile))
    return `import * as ${RUNTIME_NAMESPACE} from ${specifier}; `;
  return /\.[cm]?jsx?$/.test(sourceFile.fileName)
    ? `const ${RUNTIME_NAMESPACE} = require(${specifier}); `
    : `import ${RUNTIME_NAMESPACE} = require(${specifier}); `;
}

/**
 * Whether the file is emitted as CommonJS, as the compiler decides it: by the module setting,
 * and under node16/nodenext by the file's own format (.cts/.mts, or the package's "type").
 */
function emitsCommonJs(
  tsi: TypeScript,
  options: ts.CompilerOptions,
  sourceFile: ts.SourceFile,
): boolean {
  const { ModuleKind, ScriptTarget } = tsi;
  const kind =
    options.module ??
    ((options.target ?? ScriptTarget.ES5) >= ScriptTarget.ES2015
      ? ModuleKind.ES2015
      : ModuleKind.CommonJS);
  // Node16 (100) up to NodeNext (199): the file's own format decides.
  if (kind >= 100 && kind < 200) return sourceFile.impliedNodeFormat !== ModuleKind.ESNext;
  // Preserve (200) keeps each file's own syntax: CommonJS only for .cts and .cjs files.
  if (kind === 200) return /\.c[jt]s$/.test(sourceFile.fileName);
  return kind === ModuleKind.CommonJS || kind === ModuleKind.AMD || kind === ModuleKind.UMD;
}
