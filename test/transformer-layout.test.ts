/**
 * The transformer's layout rules (ARCHITECTURE.md): no file over 600 lines, the core imports no
 * host, and nothing in transformer/ imports src/ (it knows the runtime by its module name).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const transformer = path.join(__dirname, '..', 'transformer');

const files = (fs.readdirSync(transformer, { recursive: true }) as string[])
  .filter((name) => name.endsWith('.ts'))
  .map((name) => path.join(transformer, name));

/** The files `file` imports from this repository, as absolute paths without extension. */
function localImports(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.resolve(path.dirname(file), specifier));
}

test.each(files.map((file) => [path.relative(transformer, file), file]))(
  '%s has at most 600 lines',
  (_, file) => {
    expect(fs.readFileSync(file, 'utf8').split('\n').length).toBeLessThanOrEqual(600);
  },
);

test('the core imports no host, and the transformer nothing from src/', () => {
  const core = path.join(transformer, 'core') + path.sep;
  const hosts = path.join(transformer, 'hosts') + path.sep;
  const wrong = files.flatMap((file) =>
    localImports(file)
      .filter(
        (imported) =>
          !imported.startsWith(transformer + path.sep) ||
          (file.startsWith(core) && imported.startsWith(hosts)),
      )
      .map((imported) => `${path.relative(transformer, file)} imports ${imported}`),
  );
  expect(wrong).toEqual([]);
});
