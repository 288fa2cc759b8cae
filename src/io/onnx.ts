/**
 * An MLP as an ONNX model and back: one Gemm per layer, then its activation. ONNX is how a model
 * trained here runs elsewhere (ONNX Runtime in any language, a browser, PyTorch through
 * onnx2torch), and how a model trained elsewhere comes here to be traced. The bytes are ONNX's
 * own schema (onnx.proto) compiled for protobufjs by `onnx-proto`.
 */
import { onnx } from 'onnx-proto';
import { MLP, type Activation } from '../nn';
import { modelFromJson } from './model-json';

export interface OnnxExportOptions {
  /** The graph's input, a float tensor of shape [batch, nin]: `input` by default. */
  inputName?: string;
  /** The graph's output, a float tensor of shape [batch, nout]: `output` by default. */
  outputName?: string;
}

/**
 * The operator set written: Gemm, Relu, Tanh and Sigmoid mean the same from 13 on, and 17 is the
 * oldest the runtimes we target all read.
 */
const OPSET = 17;
/**
 * The IR version of the schema onnx-proto compiles (onnx.proto's `IR_VERSION`, 8): the one ONNX
 * pairs with opset 17. A newer number would add nothing this graph uses, and runtimes older
 * than that number refuse the file outright.
 */
const IR_VERSION = onnx.Version.IR_VERSION;
/** The opset whose Gemm and Add broadcast a bias on their own: older ones needed an attribute. */
const OLDEST_OPSET = 7;
const BATCH = 'batch';

const OPERATOR_OF = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid' } as const;
const ACTIVATION_OF: Record<string, Activation> = {
  Relu: 'relu',
  Tanh: 'tanh',
  Sigmoid: 'sigmoid',
};
const CHAIN =
  'gradscript imports a chain of Gemm (or MatMul + Add) layers, each followed by Relu, Tanh, Sigmoid or nothing';

/** The model as ONNX bytes: float32 weights, a batch dimension of any size. */
export function exportOnnx(model: MLP, options: OnnxExportOptions = {}): Uint8Array {
  if (!(model instanceof MLP)) {
    throw new TypeError(`exportOnnx exports an MLP, got ${typeof model}`);
  }
  const inputName = tensorName('inputName', options.inputName ?? 'input');
  const outputName = tensorName('outputName', options.outputName ?? 'output');
  if (inputName === outputName) {
    throw new Error(`inputName and outputName must differ, both are '${inputName}'`);
  }
  const nodes: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  let current = inputName;
  model.layers.forEach((layer, i) => {
    const { activation } = layer.neurons[0];
    const last = i === model.layers.length - 1;
    const weight = `layer${i}.weight`;
    const bias = `layer${i}.bias`;
    const nin = layer.neurons[0].w.length;
    const nout = layer.neurons.length;
    // Row j is neuron j's weights, so with transB = 1 the rows are in parameters() order.
    const weights = layer.neurons.flatMap((n) => n.w.map((w) => w.data));
    initializers.push(
      floatTensor(weight, [nout, nin], weights, i),
      floatTensor(
        bias,
        [nout],
        layer.neurons.map((n) => n.b.data),
        i,
      ),
    );
    const linear = last && activation === 'linear' ? outputName : `layer${i}.linear`;
    nodes.push({
      opType: 'Gemm',
      name: `layer${i}.Gemm`,
      input: [current, weight, bias],
      output: [linear],
      attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
    });
    current = linear;
    if (activation !== 'linear') {
      const operator = OPERATOR_OF[activation];
      const activated = last ? outputName : `layer${i}.${activation}`;
      nodes.push({
        opType: operator,
        name: `layer${i}.${operator}`,
        input: [current],
        output: [activated],
      });
      current = activated;
    }
  });
  const inner = new Set([
    ...initializers.map((t) => t.name),
    ...nodes.slice(0, -1).map((n) => n.output![0]),
  ]);
  for (const name of [inputName, outputName]) {
    if (inner.has(name)) {
      throw new Error(`'${name}' already names a tensor inside the exported graph: choose another`);
    }
  }
  return onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'gradscript',
    producerVersion: gradscriptVersion(),
    graph: {
      name: `MLP(${model.nin}, [${model.nouts.join(', ')}])`,
      node: nodes,
      initializer: initializers,
      input: [floatBatch(inputName, model.nin)],
      output: [floatBatch(outputName, model.nouts[model.nouts.length - 1])],
    },
  }).finish();
}

/**
 * The MLP an ONNX model computes, with the float32 weights the file holds. Anything that is not
 * an MLP's chain of layers is an error naming the first node that breaks it, never a model that
 * computes something else.
 */
export function importOnnx(bytes: Uint8Array): MLP {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`importOnnx reads the bytes of a file (a Uint8Array), got ${typeof bytes}`);
  }
  if (bytes.length === 0) throw new Error('not an ONNX model: the file is empty');
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new Error(`not an ONNX model, or a damaged one: ${(error as Error).message}`);
  }
  // Bytes that are not protobuf can still decode, as a message of stray fields.
  if (!model.graph || toNumber(model.irVersion) === 0) {
    throw new Error('not an ONNX model: it has no IR version or no graph');
  }
  checkOpset(model.opsetImport);
  const layers = readLayers(model.graph);
  const hidden = layers.slice(0, -1);
  const mixed = hidden.find((layer) => layer.activation !== hidden[0].activation);
  if (mixed) {
    throw new Error(
      `${mixed.node} applies ${mixed.activation} but the first layer ${hidden[0].activation}: ` +
        "gradscript's MLP has one activation for all hidden layers",
    );
  }
  const nouts = layers.map((layer) => layer.bias.length);
  return modelFromJson({
    format: 'gradscript-mlp',
    version: 1,
    nin: layers[0].weights[0].length,
    nouts,
    activation: hidden.length > 0 ? hidden[0].activation : 'relu',
    outputActivation: layers[layers.length - 1].activation,
    weights: layers.flatMap((layer) => layer.weights.flatMap((row, j) => [...row, layer.bias[j]])),
  });
}

interface ImportedLayer extends Linear {
  activation: Activation;
  /** The node that made it, for messages: `Gemm 'fc1'`. */
  node: string;
}

/** What the node before made: what may follow it. */
type Last = 'input' | 'MatMul' | 'layer' | 'activation';

function readLayers(graph: onnx.IGraphProto): ImportedLayer[] {
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  // Files from before IR 4 list the initializers among the inputs too.
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ''));
  const outputs = graph.output ?? [];
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new Error(
      `gradscript imports a model with one input and one output; this one has inputs [${names(inputs)}] and outputs [${names(outputs)}]`,
    );
  }
  const layers: ImportedLayer[] = [];
  let current = inputs[0].name ?? '';
  let last: Last = 'input';
  (graph.node ?? []).forEach((node, index) => {
    const op = node.opType ?? '';
    const described = describeNode(node, index);
    const unsupported = (why: string) => new Error(`unsupported node ${described}: ${why}`);
    if (!['', 'ai.onnx'].includes(node.domain ?? '') || (node.output ?? []).length !== 1) {
      throw unsupported(CHAIN);
    }
    const reads = node.input ?? [];
    const weightOf = (name: string): FloatTensor => {
      const tensor = initializers.get(name);
      if (!tensor) throw unsupported(`it reads '${name}', which is neither the chain nor a weight`);
      return readFloats(tensor);
    };
    if (op === 'Gemm' || op === 'MatMul') {
      if (reads[0] !== current) {
        throw unsupported(
          `it reads '${reads[0]}', not '${current}' from the node before: ${CHAIN}`,
        );
      }
      const linear =
        op === 'Gemm'
          ? gemmLayer(node, weightOf, unsupported)
          : matMulLayer(node, weightOf, unsupported);
      const nin = linear.weights[0].length;
      const before = layers[layers.length - 1];
      if (before && nin !== before.bias.length) {
        throw new Error(
          `dimension mismatch: layer ${layers.length} (${described}) takes ${nin} inputs, but layer ${layers.length - 1} gives ${before.bias.length}`,
        );
      }
      layers.push({ ...linear, activation: 'linear', node: described });
      last = op === 'MatMul' ? 'MatMul' : 'layer';
    } else if (op === 'Add' && last === 'MatMul' && reads.length === 2 && reads.includes(current)) {
      checkAttributes(node, [], unsupported);
      const layer = layers[layers.length - 1];
      const bias = weightOf(reads[0] === current ? reads[1] : reads[0]);
      layer.bias = biasVector(bias, layer.bias.length, unsupported);
      last = 'layer';
    } else if (op in ACTIVATION_OF && (last === 'MatMul' || last === 'layer')) {
      if (reads.length !== 1 || reads[0] !== current) {
        throw unsupported(`it reads [${reads.join(', ')}], not '${current}' from the node before`);
      }
      checkAttributes(node, [], unsupported);
      layers[layers.length - 1].activation = ACTIVATION_OF[op];
      last = 'activation';
    } else {
      throw unsupported(CHAIN);
    }
    current = node.output![0];
  });
  if (layers.length === 0) throw new Error(`the graph has no layers: ${CHAIN}`);
  // The ends are checked after the nodes, so that a model of another kind (a convolution's
  // input has more dimensions) is refused by its first unsupported node.
  const input = batchOfVectors(inputs[0], 'input');
  const output = batchOfVectors(outputs[0], 'output');
  if (current !== output.name) {
    throw new Error(
      `the graph's output '${output.name}' is not the end of its chain of layers, '${current}'`,
    );
  }
  const [first, final] = [layers[0], layers[layers.length - 1]];
  if (input.size !== undefined && input.size !== first.weights[0].length) {
    throw new Error(
      `dimension mismatch: layer 0 (${first.node}) takes ${first.weights[0].length} inputs, but the input '${input.name}' has ${input.size}`,
    );
  }
  if (output.size !== undefined && output.size !== final.bias.length) {
    throw new Error(
      `dimension mismatch: the output '${output.name}' has ${output.size} values, but the last layer gives ${final.bias.length}`,
    );
  }
  return layers;
}

/** A layer's linear part: weights as neuron rows (nout × nin), and a bias per neuron. */
interface Linear {
  weights: number[][];
  bias: number[];
}

/** Gemm computes alpha·A·B' + beta·C, with B' = B or its transpose. */
function gemmLayer(
  node: onnx.INodeProto,
  weightOf: (name: string) => FloatTensor,
  unsupported: (why: string) => Error,
): Linear {
  const attributes = checkAttributes(node, ['alpha', 'beta', 'transA', 'transB'], unsupported);
  if (attributes.transA) {
    throw unsupported('transA = 1 reads the input transposed, as no layer of an MLP does');
  }
  const reads = node.input ?? [];
  if (reads.length < 2 || reads.length > 3) throw unsupported(`it has ${reads.length} inputs`);
  const matrix = matrixOf(weightOf(reads[1]), unsupported);
  const rows = attributes.transB ? matrix : transpose(matrix);
  // float32 · float32 is exact in float64 (24 + 24 significant bits fit in 53), so scaling by
  // alpha and beta here loses nothing, and when they are 1 (almost always) changes nothing.
  const alpha = attributes.alpha ?? 1;
  const beta = attributes.beta ?? 1;
  const nout = rows.dims[0];
  const bias = reads[2]
    ? biasVector(weightOf(reads[2]), nout, unsupported).map((b) => beta * b)
    : new Array<number>(nout).fill(0);
  return { weights: neuronRows(rows).map((row) => row.map((w) => alpha * w)), bias };
}

/** MatMul's B is (nin × nout): each column a neuron. The bias comes from the Add after it, if any. */
function matMulLayer(
  node: onnx.INodeProto,
  weightOf: (name: string) => FloatTensor,
  unsupported: (why: string) => Error,
): Linear {
  checkAttributes(node, [], unsupported);
  const reads = node.input ?? [];
  if (reads.length !== 2) throw unsupported(`it has ${reads.length} inputs`);
  const rows = transpose(matrixOf(weightOf(reads[1]), unsupported));
  return { weights: neuronRows(rows), bias: new Array<number>(rows.dims[0]).fill(0) };
}

function neuronRows({ dims: [nout, nin], values }: FloatTensor): number[][] {
  return Array.from({ length: nout }, (_, j) =>
    Array.from(values.subarray(j * nin, (j + 1) * nin)),
  );
}

function matrixOf(tensor: FloatTensor, unsupported: (why: string) => Error): FloatTensor {
  if (tensor.dims.length !== 2 || !tensor.dims.every((n) => n >= 1)) {
    throw unsupported(
      `its weight '${tensor.name}' has shape [${tensor.dims.join(', ')}], not a matrix`,
    );
  }
  return tensor;
}

interface FloatTensor {
  name: string;
  dims: number[];
  values: Float32Array;
}

function readFloats(tensor: onnx.ITensorProto): FloatTensor {
  const name = tensor.name ?? '';
  if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT) {
    const type = onnx.TensorProto.DataType[tensor.dataType ?? 0] ?? `type ${tensor.dataType}`;
    throw new Error(
      `the weight '${name}' holds ${type} values: gradscript imports float32 weights`,
    );
  }
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new Error(`the weight '${name}' is kept in a separate file: gradscript imports one file`);
  }
  const dims = (tensor.dims ?? []).map(toNumber);
  const size = dims.reduce((a, b) => a * b, 1);
  const raw = tensor.rawData ?? new Uint8Array();
  const count = raw.length > 0 ? raw.length / 4 : (tensor.floatData ?? []).length;
  if (count !== size) {
    throw new Error(
      `the weight '${name}' has shape [${dims.join(', ')}] but holds ${count} values: the file is damaged`,
    );
  }
  const values = new Float32Array(size);
  // raw_data is little-endian whatever the machine: read it through a DataView.
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < size; i++) {
    values[i] = raw.length > 0 ? view.getFloat32(4 * i, true) : tensor.floatData![i];
  }
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new Error(`the weight '${name}' holds ${bad}`);
  return { name, dims, values };
}

function transpose({ name, dims: [rows, columns], values }: FloatTensor): FloatTensor {
  const transposed = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) transposed[c * rows + r] = values[r * columns + c];
  }
  return { name, dims: [columns, rows], values: transposed };
}

/** A bias broadcast over the batch: shape [nout] or [1, nout], or one value for all ([] or [1]). */
function biasVector(
  tensor: FloatTensor,
  nout: number,
  unsupported: (why: string) => Error,
): number[] {
  const { dims, values } = tensor;
  if (values.length === 1 && dims.length <= 1) return new Array<number>(nout).fill(values[0]);
  const shape = dims.length === 2 && dims[0] === 1 ? [dims[1]] : dims;
  if (shape.length !== 1 || shape[0] !== nout) {
    throw unsupported(
      `its bias '${tensor.name}' has shape [${dims.join(', ')}], not [${nout}] for its ${nout} neurons`,
    );
  }
  return Array.from(values);
}

/** Gemm's attributes by name, refusing any other (and any at all on the other operators). */
function checkAttributes(
  node: onnx.INodeProto,
  known: readonly string[],
  unsupported: (why: string) => Error,
): Record<string, number> {
  const attributes: Record<string, number> = {};
  for (const attribute of node.attribute ?? []) {
    const name = attribute.name ?? '';
    const { FLOAT, INT } = onnx.AttributeProto.AttributeType;
    const expected = name === 'alpha' || name === 'beta' ? FLOAT : INT;
    if (!known.includes(name) || attribute.type !== expected) {
      throw unsupported(`gradscript does not import its attribute '${name}'`);
    }
    attributes[name] = expected === FLOAT ? (attribute.f ?? 0) : toNumber(attribute.i ?? 0);
  }
  return attributes;
}

function checkOpset(imports: readonly onnx.IOperatorSetIdProto[]): void {
  const standard = imports.find((o) => ['', 'ai.onnx'].includes(o.domain ?? ''));
  if (!standard) {
    throw new Error('not an ONNX model: it names no version of the standard operator set');
  }
  const version = toNumber(standard.version ?? 0);
  if (version < OLDEST_OPSET) {
    throw new Error(
      `the model uses operator set ${version}: gradscript imports ${OLDEST_OPSET} or newer`,
    );
  }
}

/** A graph input or output: a float tensor of shape [batch, size], the size when it is fixed. */
function batchOfVectors(
  info: onnx.IValueInfoProto,
  role: 'input' | 'output',
): { name: string; size?: number } {
  const name = info.name ?? '';
  const tensor = info.type?.tensorType;
  if (!tensor || tensor.elemType !== onnx.TensorProto.DataType.FLOAT) {
    throw new Error(`the ${role} '${name}' is not a float32 tensor`);
  }
  const dims = tensor.shape?.dim;
  if (!dims) return { name };
  if (dims.length !== 2) {
    throw new Error(
      `the ${role} '${name}' has ${dims.length} dimensions: gradscript imports a batch of vectors, [batch, n]`,
    );
  }
  const size = toNumber(dims[1].dimValue ?? 0);
  return { name, size: size > 0 ? size : undefined };
}

function floatBatch(name: string, size: number): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: BATCH }, { dimValue: size }] },
      },
    },
  };
}

function floatTensor(
  name: string,
  dims: number[],
  values: number[],
  layer: number,
): onnx.ITensorProto {
  const floats = Float32Array.from(values);
  const bad = floats.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(
      `layer ${layer} has a parameter of ${values[bad]}, which a float32 cannot hold: was training stable?`,
    );
  }
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(floats) };
}

function tensorName(option: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new Error(`${option} must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  return name;
}

function describeNode(node: onnx.INodeProto, index: number): string {
  return node.name ? `${node.opType} '${node.name}'` : `${node.opType} (node ${index}, unnamed)`;
}

function names(values: readonly onnx.IValueInfoProto[]): string {
  return values.map((v) => `'${v.name}'`).join(', ');
}

/** protobufjs reads int64 fields as Long objects when the long package is there, else as numbers. */
function toNumber(n: number | { toNumber(): number }): number {
  return typeof n === 'number' ? n : n.toNumber();
}

/** The package's own manifest, by its public name: found from src/ under jest and from dist/ once installed. */
function gradscriptVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('gradscript/package.json') as { version: string }).version;
}
