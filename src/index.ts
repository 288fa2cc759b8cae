export { Value } from './engine';
export { Random } from './random';
export { Module, Neuron, Layer, MLP, ACTIVATIONS, INITS } from './nn';
export type { Activation, Init, NeuronOptions, LayerOptions, MLPOptions } from './nn';
export { drawDot } from './viz/dot';
export type { DotOptions } from './viz/dot';
export { renderSvg, writeSvg, DEFAULT_MAX_NODES } from './viz/render';
export type { RenderOptions } from './viz/render';
