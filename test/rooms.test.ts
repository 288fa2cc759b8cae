/**
 * Imports in src/ run one way (ARCHITECTURE.md's table): a file imports only from its own room
 * or from rooms before it, types included, so that no room needs one after it to be understood.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', 'src');

/**
 * The rooms in order; a file's room is the first whose pattern matches its path in src/ (a
 * module may grow into a folder of its name: src/engine/ beside src/engine.ts).
 */
const ROOMS: [string, RegExp][] = [
  ['the base', /^(engine|runtime|checks|math|random)(\.ts$|\/)/],
  ['the modules', /^(tape|nn|losses|optim|anomaly)(\.ts$|\/)/],
  ['grad', /^grad(\.ts$|\/)/],
  ['data', /^data\//],
  ['io', /^io\//],
  ['viz', /^viz\//],
  ['train', /^train\//],
  ['the entries and the command', /^(cli\/|browser\.ts$|index\.ts$)/],
];

function roomOf(file: string): number {
  const room = ROOMS.findIndex(([, pattern]) => pattern.test(file));
  if (room < 0) throw new Error(`src/${file} is in no room: add it to ROOMS and ARCHITECTURE.md`);
  return room;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The files of src/ that `file` imports, by static, type-only or dynamic imports. */
function importsInSrc(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.resolve(path.dirname(file), specifier))
    .filter((target) => !path.relative(SRC, target).startsWith('..'))
    .map((target) =>
      fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'),
    );
}

test('no file in src/ imports from a room after its own', () => {
  const upward: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = path.relative(SRC, file);
    for (const target of importsInSrc(file)) {
      const to = path.relative(SRC, target);
      if (roomOf(to) > roomOf(from)) upward.push(`${from} -> ${to}`);
    }
  }
  expect(upward).toEqual([]);
});

test('the check sees an upward import', () => {
  // viz/plots.ts once imported StepInfo from train/loop.ts: the kind of import the test is for.
  expect(roomOf('train/loop.ts')).toBeGreaterThan(roomOf('viz/plots.ts'));
  expect(importsInSrc(path.join(SRC, 'train', 'job.ts'))).toContain(path.join(SRC, 'losses.ts'));
});
