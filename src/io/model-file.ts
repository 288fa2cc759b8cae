/** Saving an MLP to a JSON file and loading it back (the JSON itself: model-json.ts). */
import * as fs from 'fs';
import type { MLP } from '../nn';
import { modelToJson, trainedModelFromJson, type TrainedFor } from './model-json';

export function saveModel(model: MLP, file: string, trainedFor?: TrainedFor): void {
  try {
    fs.writeFileSync(file, JSON.stringify(modelToJson(model, trainedFor), null, 2) + '\n');
  } catch (error) {
    throw new Error(`cannot write ${file}: ${(error as Error).message}`);
  }
}

export function loadModel(file: string): MLP {
  return loadTrainedModel(file).model;
}

/** The model in a file, with what it was trained for (its task, labels, columns) as the file says. */
export function loadTrainedModel(file: string): { model: MLP; trainedFor: TrainedFor } {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read a model from ${file}: ${(error as Error).message}`);
  }
  try {
    return trainedModelFromJson(json);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
