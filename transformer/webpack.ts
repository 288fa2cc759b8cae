/** gradscript's bundler plugin for Webpack (see hosts/bundler.ts): `plugins: [gradscript()]`. */
import { gradscriptPlugin, type GradscriptPluginOptions } from './hosts/bundler';

export type { GradscriptPluginOptions };
export const gradscript = (options?: GradscriptPluginOptions) =>
  gradscriptPlugin().webpack(options);
export default gradscript;
