/**
 * Temporaries for compound assignments, hoisted as TypeScript's transforms hoist their `_a`, `_b`:
 * declared `let` at the start of the function body, namespace or module that holds the
 * assignment. Declared without a type, each takes the type of what is assigned to it, where it is
 * read (TypeScript's evolving `let`), so the checker types the rewritten assignment as it types
 * the user's. TypeScript evolves such a `let` under noImplicitAny (which `strict` sets) and in
 * JavaScript; a TypeScript file checked without it types the temporaries `any`, and with them
 * the held target's read.
 *
 * Where no statement can go, the scope is made: a concise arrow body becomes a block
 * (`x => { let t; return … }`); an assignment in a parameter's or a class field's initializer, or
 * at the top of a script (whose top-level names every other script shares) gets an arrow of its
 * own called on the spot, which TypeScript's flow analysis sees through.
 */
import type * as ts from 'typescript';
import { heldParts, type HeldNames } from './assignment';
import { writeChildren, type Emitter } from './emit';
import { RUNTIME_NAMESPACE, type RewriteState, type TypeScript } from './state';

export interface Temporaries {
  /** The temporaries each compound assignment holds its object and key in, where it needs any. */
  readonly byAssignment: ReadonlyMap<ts.BinaryExpression, HeldNames>;
  /** The names declared at the start of each scope that holds some. */
  readonly byScope: ReadonlyMap<ts.Node, readonly string[]>;
}

/** Names the temporaries of the planned compound assignments, and where each is declared. */
export function planTemporaries(s: RewriteState): Temporaries {
  const byAssignment = new Map<ts.BinaryExpression, HeldNames>();
  const byScope = new Map<ts.Node, string[]>();
  let next: number | undefined;
  for (const [node, plan] of s.planning.plans) {
    if (plan.kind !== 'assign') continue;
    const assignment = node as ts.BinaryExpression;
    const held = heldParts(s.tsi, assignment);
    if (!held) continue;
    // Numbered after those an earlier round declared, which the text still holds.
    next ??= firstFreeNumber(s.sourceFile.text);
    const names: HeldNames = {};
    if (held.object) names.object = `${RUNTIME_NAMESPACE}${next++}`;
    if (held.key) names.key = `${RUNTIME_NAMESPACE}${next++}`;
    byAssignment.set(assignment, names);
    const scope = scopeOf(s.tsi, assignment);
    const declared = byScope.get(scope) ?? [];
    declared.push(...[names.object, names.key].filter((name) => name !== undefined));
    byScope.set(scope, declared);
  }
  return { byAssignment, byScope };
}

/** `let a, b;`: the declaration of a scope's temporaries. */
export function declarationOf(names: readonly string[]): string {
  return `let ${names.join(', ')};`;
}

/**
 * Writes a scope with its temporaries declared first. The source file's are written with the
 * runtime import (see rewriteSourceFile), as they go in the same place.
 */
export function writeScope(e: Emitter, scope: ts.Node, writeNode: () => void): void {
  const { s, out } = e;
  const { tsi, sourceFile } = s;
  const declaration = declarationOf(e.temporaries.byScope.get(scope)!);
  const start = scope.getStart(sourceFile);
  if (tsi.isBlock(scope) || tsi.isModuleBlock(scope)) {
    // After the `{`, on its line, so that no line number moves.
    out.copy(start, start + 1);
    out.insert(` ${declaration}`, start + 1);
    return writeChildren(e, scope, start + 1);
  }
  const conciseBody = tsi.isArrowFunction(scope.parent) && scope.parent.body === scope;
  out.insert(conciseBody ? `{ ${declaration} return ` : `(() => { ${declaration} return `, start);
  writeNode();
  out.insert(conciseBody ? ' }' : ' })()', scope.end);
}

/**
 * Where an assignment's temporaries are declared: the body of the function holding it (a block,
 * or the expression of a concise arrow), a namespace's block, or the file; or the assignment
 * itself, where none of those can hold a declaration it sees.
 */
function scopeOf(tsi: TypeScript, assignment: ts.BinaryExpression): ts.Node {
  for (
    let child: ts.Node = assignment, parent = child.parent;
    ;
    child = parent, parent = parent.parent
  ) {
    if (tsi.isSourceFile(parent)) return tsi.isExternalModule(parent) ? parent : assignment;
    if (tsi.isModuleBlock(parent)) return parent;
    if (tsi.isClassStaticBlockDeclaration(parent)) return parent.body;
    if (tsi.isFunctionLike(parent) && (parent as { body?: ts.Node }).body === child) return child;
    if (
      (tsi.isParameter(parent) || tsi.isPropertyDeclaration(parent)) &&
      parent.initializer === child
    )
      return assignment;
  }
}

/** The first number after every `__gradscript<n>` in the text. */
function firstFreeNumber(text: string): number {
  let free = 1;
  for (const match of text.matchAll(new RegExp(`${RUNTIME_NAMESPACE}(\\d+)`, 'g')))
    free = Math.max(free, Number(match[1]) + 1);
  return free;
}
