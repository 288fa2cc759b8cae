/** gradscript's bundler plugin for esbuild (see hosts/bundler.ts): `plugins: [gradscript()]`. */
import { gradscriptPlugin, type GradscriptPluginOptions } from './hosts/bundler';

export type { GradscriptPluginOptions };
export const gradscript = (options?: GradscriptPluginOptions) =>
  gradscriptPlugin().esbuild(options);
export default gradscript;
