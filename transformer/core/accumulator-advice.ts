/**
 * Python's other way to sum: an accumulator that starts at 0 and a loop adds Values into,
 *
 *     let s: Value | number = 0;
 *     for (let i = 0; i < n; i++) s = s + w[i] * x[i];
 *     s.backward(); // TS2339: Property 'backward' does not exist on type 'number | Value'.
 *
 * TypeScript types a `let` by every value it may hold, so after the loop `s` is still
 * `number | Value`, and tsc's complaint about a use of it does not say what to write instead.
 * This finds such a use and says it.
 */
import type * as ts from 'typescript';

/** The complaints about a `number | Value` where a Value is wanted: a property, an argument, an assignment. */
const CODES = new Set([2339, 2345, 2322]);

/**
 * The advice for a diagnostic at `at` (a position in `source`) with `message`, if it is about an
 * accumulator: a `let` of a type that is `Value | number`, started as a number and assigned in
 * a loop.
 */
export function accumulatorAdvice(
  tsi: typeof ts,
  source: ts.SourceFile,
  at: number,
  code: number,
  message: string,
): string | undefined {
  if (!CODES.has(code) || !/\bnumber \| Value\b|\bValue \| number\b/.test(message))
    return undefined;
  const name = accumulatorNameAt(tsi, source, at);
  if (name === undefined) return undefined;
  const declaration = declarationBefore(tsi, source, name, at);
  if (!declaration || !assignedInLoop(tsi, source, name)) return undefined;
  const seed = declaration.initializer!.getText(source);
  return `${name} began as the number ${seed}, and TypeScript types a let by all it may hold: after the loop it is still number | Value. Add the terms with Value.sum, as Python's sum() does (const ${name} = Value.sum(terms), e.g. Value.sum(w.map((wi, i) => wi * x[i]))), or start it as a Value: let ${name} = new Value(${seed}).`;
}

/**
 * The name at `at`: `s` in `s.backward()` (tsc points at `backward`), `f(s)`, `[s]`, and in
 * `const y: Value = s` (tsc points at `y`).
 */
function accumulatorNameAt(tsi: typeof ts, source: ts.SourceFile, at: number): string | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (node.getStart(source) <= at && at < node.end) {
      found = node;
      tsi.forEachChild(node, visit);
    }
  };
  tsi.forEachChild(source, visit);
  if (!found || !tsi.isIdentifier(found)) return undefined;
  const parent = found.parent;
  if (tsi.isPropertyAccessExpression(parent) && parent.name === found) {
    return tsi.isIdentifier(parent.expression) ? parent.expression.text : undefined;
  }
  if (tsi.isVariableDeclaration(parent) && parent.name === found) {
    return parent.initializer && tsi.isIdentifier(parent.initializer)
      ? parent.initializer.text
      : undefined;
  }
  return found.text;
}

/** The last `let name: … = <number>` before `at` whose type names both number and Value. */
function declarationBefore(
  tsi: typeof ts,
  source: ts.SourceFile,
  name: string,
  at: number,
): ts.VariableDeclaration | undefined {
  let found: ts.VariableDeclaration | undefined;
  const visit = (node: ts.Node): void => {
    if (node.pos >= at) return;
    if (
      tsi.isVariableDeclaration(node) &&
      tsi.isIdentifier(node.name) &&
      node.name.text === name &&
      (tsi.getCombinedNodeFlags(node) & tsi.NodeFlags.Let) !== 0 &&
      node.initializer !== undefined &&
      isNumber(tsi, node.initializer) &&
      node.type !== undefined &&
      tsi.isUnionTypeNode(node.type) &&
      node.type.types.some((t) => t.kind === tsi.SyntaxKind.NumberKeyword) &&
      node.type.types.some(
        (t) => tsi.isTypeReferenceNode(t) && t.typeName.getText(source).endsWith('Value'),
      )
    )
      found = node;
    tsi.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isNumber(tsi: typeof ts, node: ts.Expression): boolean {
  return (
    tsi.isNumericLiteral(node) ||
    (tsi.isPrefixUnaryExpression(node) && tsi.isNumericLiteral(node.operand))
  );
}

/** Whether `name` is assigned (`=`, `+=` …) inside the body of a loop. */
function assignedInLoop(tsi: typeof ts, source: ts.SourceFile, name: string): boolean {
  let found = false;
  const visit = (node: ts.Node, inLoop: boolean): void => {
    if (found) return;
    if (
      inLoop &&
      tsi.isBinaryExpression(node) &&
      tsi.isIdentifier(node.left) &&
      node.left.text === name &&
      node.operatorToken.kind >= tsi.SyntaxKind.FirstAssignment &&
      node.operatorToken.kind <= tsi.SyntaxKind.LastAssignment
    ) {
      found = true;
      return;
    }
    const loop = tsi.isIterationStatement(node, false);
    tsi.forEachChild(node, (child) => visit(child, inLoop || loop));
  };
  visit(source, false);
  return found;
}
