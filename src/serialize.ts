/** Saving and loading an MLP as JSON: its architecture, activations and weights. */
import * as fs from 'fs';
import { ACTIVATIONS, MLP, checkChoice, type Activation } from './nn';

export interface ModelJson {
  format: 'gradscript-mlp';
  version: 1;
  nin: number;
  nouts: number[];
  activation: Activation;
  outputActivation: Activation;
  /** Every parameter, in the order of model.parameters(). */
  weights: number[];
}

export function modelToJson(model: MLP): ModelJson {
  const layers = model.layers;
  return {
    format: 'gradscript-mlp',
    version: 1,
    nin: model.nin,
    nouts: [...model.nouts],
    activation: layers.length > 1 ? layers[0].neurons[0].activation : 'relu',
    outputActivation: layers[layers.length - 1].neurons[0].activation,
    weights: model.parameters().map((p) => p.data),
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
  const model = new MLP(m.nin as number, m.nouts, {
    activation: checkChoice('activation', String(m.activation), ACTIVATIONS),
    outputActivation: checkChoice('output activation', String(m.outputActivation), ACTIVATIONS),
    seed: 0,
  });
  const parameters = model.parameters();
  if (m.weights.length !== parameters.length) {
    throw new Error(
      `the model MLP(${m.nin}, [${m.nouts.join(', ')}]) has ${parameters.length} parameters, but the file has ${m.weights.length} weights`,
    );
  }
  m.weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w))
      throw new Error(`weight ${i} is not a finite number: ${JSON.stringify(w)}`);
    parameters[i].data = w;
  });
  return model;
}

export function saveModel(model: MLP, file: string): void {
  try {
    fs.writeFileSync(file, JSON.stringify(modelToJson(model), null, 2) + '\n');
  } catch (error) {
    throw new Error(`cannot write ${file}: ${(error as Error).message}`);
  }
}

export function loadModel(file: string): MLP {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read a model from ${file}: ${(error as Error).message}`);
  }
  try {
    return modelFromJson(json);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
