/** gradscript's bundler plugin for Rspack (see hosts/bundler.ts): `plugins: [gradscript()]`. */
import { gradscriptPlugin, type GradscriptPluginOptions } from './hosts/bundler';

export type { GradscriptPluginOptions };
export const gradscript = (options?: GradscriptPluginOptions) => gradscriptPlugin().rspack(options);
export default gradscript;
