export * from './browser';
export { loadCsv, parseCsv } from './data/csv';
export type { CsvOptions } from './data/csv';
export { modelToJson, modelFromJson, saveModel, loadModel } from './serialize';
export type { ModelJson } from './serialize';
export { renderSvg, writeSvg, DEFAULT_MAX_NODES } from './viz/render';
export type { RenderOptions } from './viz/render';
export { lossChart, boundaryChart, renderChart } from './viz/plots';
