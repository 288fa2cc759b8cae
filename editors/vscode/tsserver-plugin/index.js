/**
 * The VS Code extension's tsserver plugin: a shim that hands each project to the gradscript
 * language-service plugin that project installed (node_modules/gradscript/language-service), so
 * the editor runs the project's own gradscript, of the project's own version. A project without
 * gradscript keeps the plain language service: the extension costs it nothing.
 */
const path = require('path');

/** @param {{ typescript: typeof import('typescript') }} modules */
function init(modules) {
  return {
    /** @param {import('typescript').server.PluginCreateInfo} info */
    create(info) {
      const directory = info.project.getCurrentDirectory();
      let plugin;
      try {
        plugin = require(require.resolve('gradscript/language-service', { paths: [directory] }));
      } catch {
        info.project.projectService.logger.info(
          `gradscript: no gradscript installed for ${directory}; the plain language service serves it`,
        );
        return info.languageService;
      }
      info.project.projectService.logger.info(
        `gradscript: ${path.dirname(require.resolve('gradscript/package.json', { paths: [directory] }))} serves ${directory}`,
      );
      return plugin(modules).create(info);
    },
  };
}

module.exports = init;
