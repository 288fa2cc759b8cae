/** ONNX models to and from files: the file system's side of onnx.ts, which a page can load. */
import * as fs from 'fs';
import type { MLP } from '../nn';
import { exportOnnx, importOnnx, type OnnxExportOptions } from './onnx';

export function saveOnnx(model: MLP, file: string, options: OnnxExportOptions = {}): void {
  const bytes = exportOnnx(model, options);
  try {
    fs.writeFileSync(file, bytes);
  } catch (error) {
    throw new Error(`cannot write ${file}: ${(error as Error).message}`);
  }
}

export function loadOnnx(file: string): MLP {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read a model from ${file}: ${(error as Error).message}`);
  }
  try {
    return importOnnx(bytes);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
