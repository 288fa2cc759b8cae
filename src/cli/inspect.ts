/**
 * `gradscript inspect`: what a saved model is (its layers, their sizes and activations, its
 * parameter count), from gradscript's JSON or from ONNX written by anything, and the graph of
 * one prediction, so a model trained elsewhere can be traced like one trained here.
 */
import { Command } from 'commander';
import * as path from 'path';
import { Value } from '../engine';
import { loadOnnx } from '../io/onnx-file';
import type { MLP } from '../nn';
import { loadModel } from '../io/model-file';
import { writeSvg } from '../viz/render';

interface InspectFlags {
  input?: number[];
  svg?: string;
  output?: number;
}

export function inspectCommand(): Command {
  return new Command('inspect')
    .description(
      "print a model's layers and parameter count, and the graph of one prediction: model.json or model.onnx",
    )
    .argument('<model>', 'a model file: .json as gradscript train writes it, or .onnx')
    .option('--input <values>', 'one input, comma-separated: prints the prediction', numbers)
    .option('--svg <file>', 'draws the graph of the prediction for --input into this SVG file')
    .option('--output <n>', 'which output --svg draws when there are several (0 by default)', whole)
    .action(async (file: string, flags: InspectFlags) => inspect(file, flags));
}

async function inspect(file: string, flags: InspectFlags): Promise<void> {
  // Checked before loading: a mistyped command should not wait for a large model.
  if (flags.svg !== undefined && flags.input === undefined) {
    throw new Error(
      '--svg draws the graph for one input: give it with --input, e.g. --input 0.5,-1',
    );
  }
  if (flags.output !== undefined && flags.svg === undefined) {
    throw new Error('--output picks the output that --svg draws: give --svg FILE too');
  }
  const model = load(file);
  console.log(`${file}: MLP(${model.nin}, [${model.nouts.join(', ')}])`);
  model.layers.forEach((layer, i) => {
    const [neuron] = layer.neurons;
    console.log(`  layer ${i}: ${neuron.w.length} → ${layer.neurons.length}, ${neuron.activation}`);
  });
  console.log(`  ${model.parameters().length} parameters`);
  if (flags.input === undefined) return;

  if (flags.input.length !== model.nin) {
    throw new Error(`the model takes ${model.nin} inputs, but --input gives ${flags.input.length}`);
  }
  const outputs = model.forward(flags.input.map((x, i) => new Value(x, `x${i + 1}`)));
  console.log(
    `prediction for [${flags.input.join(', ')}]: [${outputs.map((o) => o.data).join(', ')}]`,
  );
  if (flags.svg === undefined) return;
  const index = flags.output ?? 0;
  if (index >= outputs.length) {
    throw new Error(
      `--output ${index}: the model has ${outputs.length} output${outputs.length > 1 ? 's' : ''}, numbered from 0`,
    );
  }
  const root = outputs[index];
  // The gradients drawn are then how much each value moves this output.
  model.zeroGrad();
  root.backward();
  await writeSvg(root, flags.svg, { collapse: model, parameters: model });
  console.log(`wrote ${flags.svg}`);
}

function load(file: string): MLP {
  switch (path.extname(file).toLowerCase()) {
    case '.onnx':
      return loadOnnx(file);
    case '.json':
      return loadModel(file);
    default:
      throw new Error(`expected a model file ending in .json or .onnx, got ${file}`);
  }
}

function numbers(text: string): number[] {
  return text.split(',').map((part) => {
    const n = Number(part);
    if (part.trim() === '' || !Number.isFinite(n)) {
      throw new Error(
        `--input takes numbers separated by commas: '${part}' in '${text}' is not one`,
      );
    }
    return n;
  });
}

function whole(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got '${text}'`);
  return n;
}
