/**
 * What a target asks for: classes, with the label each one stands for, or a number to predict.
 * Whole-number labels are classes; a number is predicted only when asked for, or when the
 * targets are not all whole numbers.
 */
import type { Table } from '../data/table';
import { checkChoice } from '../checks';

export const TASKS = ['auto', 'classification', 'regression'] as const;
export type TaskChoice = (typeof TASKS)[number];

export interface Task {
  kind: 'classification' | 'regression';
  /** For classification: the label each class stands for, class k being labels[k]. */
  labels?: (number | string)[];
  /** Why this task, to be said to the user. */
  reason: string;
}

/** Above this many different whole numbers, a target is not taken for classes unless asked. */
export const MAX_INFERRED_CLASSES = 20;
/** More classes than this are not trained even when asked for. */
export const MAX_CLASSES = 1000;

export function decideTask(data: Table, asked: TaskChoice = 'auto'): Task {
  checkChoice('task', asked, TASKS);
  const names = data.classNames;
  if (names !== undefined) {
    if (asked === 'regression') {
      throw new Error(
        `the target '${data.names?.target}' is text (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}): ` +
          'it can be classes, not a number to predict',
      );
    }
    if (names.length < 2)
      throw new Error(`the target is '${names[0]}' in every row: classification needs two classes`);
    if (names.length > MAX_CLASSES)
      throw new Error(
        `the target '${data.names?.target}' has ${names.length} different values, more than ${MAX_CLASSES} classes: is it the column to predict?`,
      );
    if (asked === 'auto' && names.length > MAX_INFERRED_CLASSES) {
      throw new Error(
        `the target '${data.names?.target}' has ${names.length} different values, too many to be taken for classes: ` +
          `ask for task 'classification' to take them as classes, or choose another target`,
      );
    }
    return { kind: 'classification', labels: names, reason: "the target's names" };
  }
  if (asked === 'regression') return { kind: 'regression', reason: 'asked for' };
  if (data.classes !== undefined) {
    const labels = Array.from({ length: data.classes }, (_, k) => k);
    return { kind: 'classification', labels, reason: "the data set's classes" };
  }
  const { labels, fraction } = distinctLabels(data.target, MAX_CLASSES);
  if (asked === 'auto' && fraction !== undefined) {
    return {
      kind: 'regression',
      reason: `the targets are not all whole numbers: ${fraction.value} in row ${fraction.row + 1}`,
    };
  }
  if (labels.length > (asked === 'auto' ? MAX_INFERRED_CLASSES : MAX_CLASSES)) {
    const count = labels.length > MAX_CLASSES ? `more than ${MAX_CLASSES}` : labels.length;
    throw new Error(
      `the target has ${count} different values, too many to be classes: ` +
        `ask for task 'regression' to predict it as a number` +
        (asked === 'auto' ? `, or 'classification' to take up to ${MAX_CLASSES} classes` : ''),
    );
  }
  if (labels.length < 2)
    throw new Error(`the target is ${labels[0]} in every row: classification needs two classes`);
  return {
    kind: 'classification',
    labels,
    reason: asked === 'auto' ? 'whole-number labels' : 'asked for',
  };
}

/** The data with each target replaced by its class index (the data itself when they agree). */
export function encodeClasses(data: Table, task: Task): Table {
  if (task.kind === 'regression') return { ...data, classes: undefined };
  const labels = task.labels!;
  if (data.classNames !== undefined) return data; // its targets are class indices already
  if (data.classes === labels.length && labels.every((label, k) => label === k)) return data;
  const index = new Map(labels.map((label, k) => [label, k]));
  const target = data.target.map((label) => index.get(label)!);
  return { ...data, target, classes: labels.length };
}

/** The task in words: "classification, 2 classes: label 3 is class 0, …", and why. */
export function describeTask(task: Task): string {
  if (task.kind === 'regression') return `regression (${task.reason})`;
  const labels = task.labels!;
  const identity = labels.every((label, k) => label === k);
  const classes = identity
    ? `labels ${labels.join(', ')}`
    : typeof labels[0] === 'string'
      ? labels.join(', ')
      : labels.map((label, k) => `label ${label} is class ${k}`).join(', ');
  return `classification, ${labels.length} classes: ${classes} (${task.reason})`;
}

/**
 * The sorted different values of the target, up to `limit` + 1 of them, and the first that is
 * not a whole number, if any.
 */
function distinctLabels(
  target: Float64Array,
  limit: number,
): { labels: number[]; fraction?: { value: number; row: number } } {
  const seen = new Set<number>();
  let fraction: { value: number; row: number } | undefined;
  for (let row = 0; row < target.length; row++) {
    const value = target[row];
    if (fraction === undefined && !Number.isInteger(value)) fraction = { value, row };
    if (seen.size <= limit) seen.add(value);
    else if (fraction !== undefined) break;
  }
  return { labels: [...seen].sort((a, b) => a - b), fraction };
}
