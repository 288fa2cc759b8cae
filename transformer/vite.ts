/** gradscript's bundler plugin for Vite (see bundler.ts): `plugins: [gradscript()]`. */
import { gradscriptPlugin, type GradscriptPluginOptions } from './bundler';

export type { GradscriptPluginOptions };
export const gradscript = (options?: GradscriptPluginOptions) => gradscriptPlugin().vite(options);
export default gradscript;
