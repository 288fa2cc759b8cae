/**
 * Compound assignment, `target <op>= right`, as TypeScript's es2016 transform writes `**=`:
 *
 *   x *= y          ->  x = x.mul(y)
 *   o.p[i()] *= y   ->  (__gradscript1 = o.p, __gradscript2 = i(), __gradscript1[__gradscript2] = __gradscript1[__gradscript2].mul(y))
 *
 * A name, a literal, `this` or `super` is written twice; any other object or key is evaluated
 * once, into a temporary declared at the start of its scope (temporaries.ts). JavaScript
 * evaluates the object, then the key, then reads the target, then the right side, then assigns;
 * so does the rewritten expression.
 */
import type * as ts from 'typescript';
import { write, writeChildren, writeOperation, type Emitter } from './emit';
import type { Form, Method, TypeScript } from './state';

/** Which parts of the target must be held in temporaries. */
export interface HeldParts {
  object: boolean;
  key: boolean;
}

/** The temporaries holding a target's object and key, where they are held. */
export interface HeldNames {
  object?: string;
  key?: string;
}

/**
 * What a compound assignment's target needs held in temporaries: undefined for a name, or a
 * property or element whose object and key may be written twice, or for what is not assignable.
 */
export function heldParts(tsi: TypeScript, node: ts.BinaryExpression): HeldParts | undefined {
  const target = assignmentTarget(tsi, node.left);
  if (tsi.isPropertyAccessExpression(target)) {
    return isCopiable(tsi, target.expression) ? undefined : { object: true, key: false };
  }
  if (tsi.isElementAccessExpression(target)) {
    const held = {
      object: !isCopiable(tsi, target.expression),
      key: !isCopiable(tsi, target.argumentExpression),
    };
    return held.object || held.key ? held : undefined;
  }
  return undefined;
}

export function writeAssignment(
  e: Emitter,
  node: ts.BinaryExpression,
  method: Method,
  form: Form,
): void {
  const { s, out } = e;
  const { tsi, sourceFile } = s;
  const target = assignmentTarget(tsi, node.left);
  const at = node.operatorToken.getStart(sourceFile);
  const held = e.temporaries.byAssignment.get(node);
  if (!held) {
    if (!tsi.isIdentifier(target) && !isAccess(tsi, target)) {
      // Not assignable: let the checker say so on the user's text.
      return writeChildren(e, node, node.getStart(sourceFile));
    }
    write(e, target);
    out.insert(' = ', at);
    const read = node.left;
    writeOperation(e, method, form, read, () => write(e, read), node.operatorToken, node.right);
    return;
  }
  const access = target as ts.PropertyAccessExpression | ts.ElementAccessExpression;
  out.insert('(', at);
  if (held.object) {
    out.insert(`${held.object} = `, at);
    write(e, access.expression);
    out.insert(', ', at);
  }
  const object = held.object ?? access.expression.getText(sourceFile);
  let reference: string;
  if (tsi.isElementAccessExpression(access)) {
    if (held.key) {
      out.insert(`${held.key} = `, at);
      write(e, access.argumentExpression);
      out.insert(', ', at);
    }
    reference = `${object}[${held.key ?? access.argumentExpression.getText(sourceFile)}]`;
  } else {
    reference = `${object}.${access.name.getText(sourceFile)}`;
  }
  // What wraps the target (`a[i]!`, `(a[0] as Value)`) stays on the read and comes off the
  // assignment. The read comes before the right side in every form a held target can take:
  // `reverse` (right side first) is chosen only for a left side that is a name or a literal.
  const text = sourceFile.text;
  const read =
    text.slice(node.left.getStart(sourceFile), target.getStart(sourceFile)) +
    reference +
    text.slice(target.end, node.left.end);
  out.insert(`${reference} = `, at);
  writeOperation(
    e,
    method,
    form,
    node.left,
    () => out.insert(read, at),
    node.operatorToken,
    node.right,
  );
  out.insert(')', at);
}

function isAccess(
  tsi: TypeScript,
  node: ts.Expression,
): node is ts.PropertyAccessExpression | ts.ElementAccessExpression {
  return tsi.isPropertyAccessExpression(node) || tsi.isElementAccessExpression(node);
}

/**
 * What a compound assignment assigns to, inside the parentheses, `!`, `as`, `satisfies` and
 * `<T>` casts that TypeScript lets wrap it (`a[i]! -= g`, `(a[0] as Value) /= 2`).
 */
function assignmentTarget(tsi: TypeScript, node: ts.Expression): ts.Expression {
  while (
    tsi.isParenthesizedExpression(node) ||
    tsi.isNonNullExpression(node) ||
    tsi.isAsExpression(node) ||
    tsi.isSatisfiesExpression(node) ||
    tsi.isTypeAssertionExpression(node)
  )
    node = node.expression;
  return node;
}

/** Names, `this`, `super` and literals: safe to write twice, as `x = x.add(y)` does. */
function isCopiable(tsi: TypeScript, node: ts.Expression): boolean {
  return (
    tsi.isIdentifier(node) ||
    node.kind === tsi.SyntaxKind.ThisKeyword ||
    node.kind === tsi.SyntaxKind.SuperKeyword ||
    tsi.isLiteralExpression(node)
  );
}
