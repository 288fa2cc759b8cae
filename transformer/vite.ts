/** gradscript's bundler plugin for Vite (see hosts/bundler.ts): `plugins: [gradscript()]`. */
import { gradscriptPlugin, type GradscriptPluginOptions } from './hosts/bundler';

export type { GradscriptPluginOptions };
export const gradscript = (options?: GradscriptPluginOptions) => gradscriptPlugin().vite(options);
export default gradscript;
