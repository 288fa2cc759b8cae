/** gradscript's bundler plugin for Rollup (see bundler.ts): `plugins: [gradscript()]`. */
import { gradscriptPlugin, type GradscriptPluginOptions } from './bundler';

export type { GradscriptPluginOptions };
export const gradscript = (options?: GradscriptPluginOptions) => gradscriptPlugin().rollup(options);
export default gradscript;
