/**
 * Type roles: whether an expression is a Value, may be one, or is anything else. The checker
 * answers for what this round leaves alone; for what it rewrites (`const d = a * b`, typed
 * `number` until `a.mul(b)` replaces it) the plan answers instead.
 */
import type * as ts from 'typescript';
import { rewrittenDeclarationOf } from './staleness';
import { skipParentheses, type Role, type RewriteState } from './state';

/** The members an operand's type must have to count as a Value. */
const VALUE_MEMBERS = [
  'data',
  'backward',
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'neg',
  'radd',
  'rsub',
  'rmul',
  'rdiv',
  'rpow',
];

/** What the expression will be once rewritten: a Value, possibly a Value, or anything else. */
export function roleOf(s: RewriteState, expression: ts.Expression, anyAs = s.anyRole): Role {
  const inner = skipParentheses(s.tsi, expression);
  const known = plannedRole(s, inner) ?? inferredRole(s, inner);
  if (known) {
    s.planning.arithmeticOperands.add(inner);
    return known;
  }
  const type = typeOf(s, inner);
  if (type.flags & s.tsi.TypeFlags.Any) {
    s.planning.sawAnyOperand = true;
    return anyAs;
  }
  return roleOfType(s, type);
}

export function plannedRole(s: RewriteState, expression: ts.Expression): Role | undefined {
  const planned = s.planning.plans.get(skipParentheses(s.tsi, expression));
  if (!planned || planned.kind === 'compare') return undefined;
  if (planned.kind === 'settle') return planned.method === 'data' ? 'plain' : 'value';
  return planned.role;
}

/**
 * The role a name, property or call will have once this round's rewriting is done, where the
 * checker's answer is out of date: `const d = a * b` makes `d` a Value, and so does a function,
 * method or getter whose every `return` is rewritten. Declarations seen earlier in the file are
 * planned already, so a chain of them settles in one round.
 */
export function inferredRole(s: RewriteState, expression: ts.Expression): Role | undefined {
  const { tsi } = s;
  const call = tsi.isCallExpression(expression);
  const callee = call ? skipParentheses(tsi, expression.expression) : expression;
  if (tsi.isPropertyAccessExpression(callee)) {
    // `(a * b).tanh()`, `margin.relu()`, `d.data`: a member of what will be a Value.
    const receiver = skipParentheses(tsi, callee.expression);
    if ((plannedRole(s, receiver) ?? inferredRole(s, receiver)) === 'value' && s.valueResult)
      return memberRole(s, s.valueResult, callee.name.text, call);
  }
  const name = tsi.isPropertyAccessExpression(callee) ? callee.name : callee;
  if (!tsi.isIdentifier(name) && !tsi.isPrivateIdentifier(name)) return undefined;
  const declaration = rewrittenDeclarationOf(s, name);
  if (!declaration) return undefined;
  if (
    (tsi.isVariableDeclaration(declaration) || tsi.isPropertyDeclaration(declaration)) &&
    declaration.initializer
  ) {
    const initializer = skipParentheses(tsi, declaration.initializer);
    if (!call) {
      return remembered(s, s.declaredRoles, declaration, () => {
        if (s.visiting.has(declaration)) return undefined;
        s.visiting.add(declaration);
        try {
          return plannedRole(s, initializer) ?? inferredRole(s, initializer);
        } finally {
          s.visiting.delete(declaration);
        }
      });
    }
    return tsi.isArrowFunction(initializer) || tsi.isFunctionExpression(initializer)
      ? returnedRole(s, initializer)
      : undefined;
  }
  if (!call && tsi.isGetAccessorDeclaration(declaration)) return returnedRole(s, declaration);
  return call && (tsi.isFunctionDeclaration(declaration) || tsi.isMethodDeclaration(declaration))
    ? returnedRole(s, declaration)
    : undefined;
}

/**
 * An answer about a declaration, kept once the declaration is planned (what is known of it is
 * then final), so that each chain of declarations is walked once.
 */
export function remembered<T>(
  s: RewriteState,
  memo: Map<ts.Declaration, T>,
  declaration: ts.Declaration,
  answer: () => T,
): T {
  if (memo.has(declaration)) return memo.get(declaration)!;
  const result = answer();
  if (declaration.end <= s.planning.plannedUpTo && declaration.getSourceFile() === s.sourceFile)
    memo.set(declaration, result);
  return result;
}

/** The role of member `name` of `type`, or of what calling it returns. */
function memberRole(s: RewriteState, type: ts.Type, name: string, call: boolean): Role | undefined {
  const member = type.getProperty(name);
  if (!member?.valueDeclaration) return undefined;
  const memberType = s.checker.getTypeOfSymbolAtLocation(member, member.valueDeclaration);
  if (!call) return roleOfType(s, memberType);
  const returned = memberType.getCallSignatures().map((sig) => roleOfType(s, sig.getReturnType()));
  if (returned.length === 0) return undefined;
  return returned.every((r) => r === returned[0]) ? returned[0] : 'maybe';
}

function returnedRole(
  s: RewriteState,
  f: ts.SignatureDeclaration & { body?: ts.ConciseBody },
): Role | undefined {
  const { tsi } = s;
  if (f.type || !f.body) return undefined;
  if (!tsi.isBlock(f.body)) return plannedRole(s, f.body);
  const returned: (Role | undefined)[] = [];
  const visit = (node: ts.Node): void => {
    if (tsi.isReturnStatement(node))
      returned.push(node.expression && plannedRole(s, node.expression));
    else if (!tsi.isFunctionLike(node)) tsi.forEachChild(node, visit);
  };
  visit(f.body);
  if (returned.length === 0 || returned.some((r) => r === undefined)) return undefined;
  return returned.every((r) => r === 'value') ? 'value' : 'maybe';
}

export function roleOfType(s: RewriteState, type: ts.Type): Role {
  let role = s.roles.get(type);
  if (role === undefined) {
    s.roles.set(type, 'plain'); // a placeholder that stops recursive types from looping
    role = computeRole(s, type);
    s.roles.set(type, role);
  }
  return role;
}

function computeRole(s: RewriteState, type: ts.Type): Role {
  const { TypeFlags } = s.tsi;
  // `any` inside a union or as a constraint says nothing; alone, roleOf decides.
  if (type.flags & (TypeFlags.Any | TypeFlags.Unknown)) return 'plain';
  if (type.flags & TypeFlags.TypeParameter) {
    const constraint = s.checker.getBaseConstraintOfType(type);
    return constraint && constraint !== type ? roleOfType(s, constraint) : 'plain';
  }
  if (type.isUnion()) {
    const members = type.types.filter((t) => !(t.flags & (TypeFlags.Null | TypeFlags.Undefined)));
    const memberRoles = members.map((t) => roleOfType(s, t));
    if (memberRoles.length > 0 && memberRoles.every((r) => r === 'value')) return 'value';
    return memberRoles.some((r) => r !== 'plain') ? 'maybe' : 'plain';
  }
  if (type.isIntersection())
    return type.types.some((t) => roleOfType(s, t) === 'value') ? 'value' : 'plain';
  if (!(type.flags & TypeFlags.Object)) return 'plain';
  if (!VALUE_MEMBERS.every((name) => type.getProperty(name))) return 'plain';
  if (!s.valueResult) {
    const add = type.getProperty('add')!;
    const signature = s.checker
      .getTypeOfSymbolAtLocation(add, add.valueDeclaration ?? s.sourceFile)
      .getCallSignatures()[0];
    s.valueResult = signature?.getReturnType();
  }
  return 'value';
}

export function typeOf(s: RewriteState, expression: ts.Expression): ts.Type {
  let type = s.types.get(expression);
  if (!type) s.types.set(expression, (type = s.checker.getTypeAtLocation(expression)));
  return type;
}

export function isStringLike(s: RewriteState, expression: ts.Expression): boolean {
  const type = typeOf(s, skipParentheses(s.tsi, expression));
  const stringy = (t: ts.Type) => (t.flags & s.tsi.TypeFlags.StringLike) !== 0;
  return stringy(type) || (type.isUnion() && type.types.some(stringy));
}
