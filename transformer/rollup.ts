/** gradscript's bundler plugin for Rollup (see hosts/bundler.ts): `plugins: [gradscript()]`. */
import { gradscriptPlugin, type GradscriptPluginOptions } from './hosts/bundler';

export type { GradscriptPluginOptions };
export const gradscript = (options?: GradscriptPluginOptions) => gradscriptPlugin().rollup(options);
export default gradscript;
