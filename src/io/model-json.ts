/**
 * An MLP as JSON: its architecture, activations and weights, and what it was trained for. No
 * file system here, so that the browser build can save and load models too (model-file.ts adds
 * files).
 */
import { checkChoice } from '../checks';
import { ACTIVATIONS, MLP, type Activation } from '../nn';
import type { InputColumn } from '../data/encode';
import type { LossName } from '../losses';

/** Means and scales: an input k was given to the model as (x - mean[k]) / scale[k]. */
export interface Standardization {
  mean: number[];
  scale: number[];
  /** For regression: the model predicted (y - targetMean) / targetScale. */
  targetMean?: number;
  targetScale?: number;
}

export interface ModelJson {
  format: 'gradscript-mlp';
  version: 1;
  nin: number;
  nouts: number[];
  activation: Activation;
  outputActivation: Activation;
  /** Every parameter, in the order of model.parameters(). */
  weights: number[];
  /** What the model was trained for, when a training job saved it. */
  task?: 'classification' | 'regression';
  /** For classification: the label in the data that each class stands for (class k is labels[k]). */
  labels?: (number | string)[];
  loss?: LossName;
  /** For a model trained on a CSV: the file's columns it reads, in order, and how each is encoded. */
  columns?: InputColumn[];
  /** …and the column it predicts. */
  target?: string;
  /**
   * How the inputs (and a regression target) were standardised in training. Already folded
   * into `weights` (the first layer's, and the last layer's for the target), which take the
   * data's own units: kept to say what was done, not to be applied again.
   */
  standardization?: Standardization;
}

/** What a training job adds to the model's file. */
export type TrainedFor = Pick<
  ModelJson,
  'task' | 'labels' | 'loss' | 'columns' | 'target' | 'standardization'
>;

export function modelToJson(model: MLP, trainedFor: TrainedFor = {}): ModelJson {
  const layers = model.layers;
  return {
    format: 'gradscript-mlp',
    version: 1,
    nin: model.nin,
    nouts: [...model.nouts],
    activation: layers.length > 1 ? layers[0].neurons[0].activation : 'relu',
    outputActivation: layers[layers.length - 1].neurons[0].activation,
    weights: model.parameters().map((p) => p.data),
    ...trainedFor,
  };
}

/** Rebuilds a model, checking that the JSON describes one and that its weights fit it. */
export function modelFromJson(json: unknown): MLP {
  const m = json as Partial<ModelJson> | null;
  if (!m || typeof m !== 'object' || m.format !== 'gradscript-mlp') {
    throw new Error('not a gradscript model: expected "format": "gradscript-mlp"');
  }
  if (m.version !== 1)
    throw new Error(`unsupported model version ${String(m.version)}: expected 1`);
  if (!Array.isArray(m.nouts) || !Array.isArray(m.weights))
    throw new Error('model JSON lacks nouts or weights');
  // Counted from the sizes before anything is built: a typo of a billion neurons fails at once.
  const sizes: unknown[] = [m.nin, ...m.nouts];
  const bad = sizes.findIndex((n) => !Number.isSafeInteger(n) || (n as number) < 1);
  if (bad >= 0) {
    const name = bad === 0 ? 'nin' : `nouts[${bad - 1}]`;
    throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(sizes[bad])}`);
  }
  const layers = sizes as number[];
  let count = 0;
  for (let i = 1; i < layers.length; i++) count += (layers[i - 1] + 1) * layers[i];
  if (m.weights.length !== count) {
    throw new Error(
      `the model MLP(${m.nin}, [${m.nouts.join(', ')}]) has ${count} parameters, but the file has ${m.weights.length} weights`,
    );
  }
  const model = new MLP(m.nin as number, m.nouts, {
    activation: checkChoice('activation', String(m.activation), ACTIVATIONS),
    outputActivation: checkChoice('output activation', String(m.outputActivation), ACTIVATIONS),
    seed: 0,
  });
  const parameters = model.parameters();
  m.weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w))
      throw new Error(`weight ${i} is not a finite number: ${JSON.stringify(w)}`);
    parameters[i].data = w;
  });
  return model;
}

/** The model a parsed model.json holds, with what it was trained for (its task, labels, columns). */
export function trainedModelFromJson(json: unknown): { model: MLP; trainedFor: TrainedFor } {
  const model = modelFromJson(json);
  const { task, labels, loss, columns, target, standardization } = json as ModelJson;
  return { model, trainedFor: { task, labels, loss, columns, target, standardization } };
}
