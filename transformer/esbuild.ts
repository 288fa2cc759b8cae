/** gradscript's bundler plugin for esbuild (see bundler.ts): `plugins: [gradscript()]`. */
import { gradscriptPlugin, type GradscriptPluginOptions } from './bundler';

export type { GradscriptPluginOptions };
export const gradscript = (options?: GradscriptPluginOptions) =>
  gradscriptPlugin().esbuild(options);
export default gradscript;
