/**
 * Everything of the public API that runs in a browser as well as in Node (no file system, no
 * child processes): the engine, modules, losses, optimizers, data, training and DOT drawing.
 * `gradscript` (index.ts) adds the Node-only parts; `gradscript/browser` is this.
 */
export { Value } from './engine';
export { grad, hessian, hvp, type GradOptions } from './grad';
export { Tape } from './tape';
export { detectAnomaly, AnomalyError } from './anomaly';
export { Random, PythonRandom } from './random';
export { Module, Neuron, Layer, MLP, ACTIVATIONS, INITS } from './nn';
export { modelToJson, modelFromJson, trainedModelFromJson } from './io/model-json';
export type { ModelJson, Standardization, TrainedFor } from './io/model-json';
export type { Activation, Init, NeuronOptions, LayerOptions, MLPOptions } from './nn';
export { mse, hinge, bceWithLogits, crossEntropy, l1, l2, lossOf, LOSSES } from './losses';
export type { LossName } from './losses';
export { Optimizer, SGD, Adam } from './optim';
export type { LearningRate, SGDOptions, AdamOptions } from './optim';
export {
  moons,
  circles,
  xor,
  gate,
  disk,
  spiral,
  yinyang,
  gaussian,
  plane,
  multigauss,
  regression,
} from './data/datasets';
export type { Dataset, GeneratorOptions } from './data/datasets';
export { DATASETS, dataset } from './data/index';
export type { DatasetName } from './data/index';
export { split, shuffle, batches } from './data/split';
export { tableOf, isTable, rowCount, rowOf, rowsOf, rangeOf } from './data/table';
export type { Table } from './data/table';
export { train, Trainer, Predictor, predictedClass, accuracy, ENGINES } from './train/loop';
export type { Engine, StepInfo, TrainOptions, TrainerOptions } from './train/loop';
export { DivergenceError, DIVERGENCE_FACTOR, hasDiverged } from './train/divergence';
export {
  TrainingJob,
  JOB_DEFAULTS,
  FULL_BATCH_ROWS,
  DEFAULT_BATCH_SIZE,
  OPTIMIZERS,
} from './train/job';
export type { JobSettings } from './train/job';
export { decideTask, encodeClasses, describeTask, TASKS } from './train/task';
export type { Task, TaskChoice } from './train/task';
export { gradcheck } from './train/gradcheck';
export type { GradcheckResult } from './train/gradcheck';
export { drawDot, collectNeurons } from './viz/dot';
export type { DotOptions } from './viz/dot';
