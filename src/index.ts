export { Value } from './engine';
export { Random } from './random';
export { Module, Neuron, Layer, MLP, ACTIVATIONS, INITS } from './nn';
export type { Activation, Init, NeuronOptions, LayerOptions, MLPOptions } from './nn';
