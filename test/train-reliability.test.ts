/**
 * Issue 18, case by case: data at scale, terminals, saying what was trained, safe output. The
 * command is run as users run it (a child process, under a pseudo-terminal where it matters);
 * the output folder and the training job are also driven through the library.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { XMLValidator } from 'fast-xml-parser';
import { OutputFolder, OutputFolderBusyError, decideTask, describeTask } from '../src';
import { writeCurveCsv } from './curve-csv';

const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscript-reliability-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function train(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'train', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A CSV of `rows` points in [-1, 1]² in the test's folder: `label(c)` of class c = 0 or 1. */
function writeCsv(rows: number, label: (c: number) => string = String): string {
  const file = path.join(dir, `data-${rows}.csv`);
  writeCurveCsv(file, rows, label);
  return file;
}

/** Each file of a folder with its contents: to check that a folder was left exactly as it was. */
function contents(folder: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(folder)
      .map((name) => [name, fs.readFileSync(path.join(folder, name), 'latin1')]),
  );
}

/** What dir holds besides the output folder: no temporary folder may be left behind. */
function leftovers(): string[] {
  return fs.readdirSync(dir).filter((name) => name.includes('partial'));
}

describe('1. data at scale', () => {
  test('120,000 CSV rows train an epoch on mini-batches, with charts under 1 MB', () => {
    // 100,000 rows ran out of memory before; 50,000 exceeded a Map's size.
    const csv = writeCsv(120_000);
    const out = path.join(dir, 'out');
    const { status, stdout, stderr } = train('--csv', csv, '--epochs', '1', '--out', out);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain(
      'rows: 120000, 95000 to train on, 1000 held out to stop early, 24000 to test on',
    );
    expect(stdout).toContain('on 95000 rows, mini-batches of 32 (more than 1000 rows');
    expect(stdout).toMatch(/trained MLP\(2, \[16, 16, 1\]\) for 2969 steps/);
    expect(Number(/^test accuracy (\S+)%$/m.exec(stdout)![1])).toBeGreaterThan(90);
    expect(Number(/^accuracy (\S+)%$/m.exec(stdout)![1])).toBeGreaterThan(90);
    for (const file of ['loss.svg', 'boundary.svg', 'graph.svg']) {
      const svg = fs.readFileSync(path.join(out, file), 'utf8');
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(svg.length).toBeLessThan(1_000_000);
    }
    const boundary = fs.readFileSync(path.join(out, 'boundary.svg'), 'utf8');
    expect(boundary).toContain('2,000 of 120,000 points');
    expect(boundary).toContain('data:image/png;base64,');
  }, 120_000);

  test('a full batch too large for memory is refused at once, saying what fits', () => {
    const csv = writeCsv(120_000);
    const started = Date.now();
    const { status, stderr } = train('--csv', csv, '--batch-size', 'full', '--out', dir);
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^gradscript: a batch of 95,000 rows makes a graph of about \d+ million values, more than memory holds \(5 million\): use batches of at most [\d,]+ rows\n$/,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  test('labels of 300,000 rows are counted without spreading them into arguments', () => {
    const target = new Float64Array(300_000).map((_, i) => (i % 3) * 2);
    const task = decideTask({ columns: [new Float64Array(300_000)], target });
    expect(describeTask(task)).toBe(
      'classification, 3 classes: label 0 is class 0, label 2 is class 1, label 4 is class 2 (whole-number labels)',
    );
  });
});

/** Runs the command under a pseudo-terminal (util-linux `script`), as on a terminal. */
function onTerminal(args: string[]): { child: ChildProcess; output: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
  delete env.CI;
  const command = [process.execPath, cli, 'train', ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { child, output: () => text };
}

function exited(child: ChildProcess, within: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${within} ms`));
    }, within);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const hasScript = spawnSync('script', ['--version']).status === 0;
const onTerminals = hasScript ? describe : describe.skip;

onTerminals('2. on a terminal', () => {
  test('an error during training ends the process and gives the cursor and line wrap back', async () => {
    const { child, output } = onTerminal(['--lr', '1e6', '--detect-anomaly', '--out', dir]);
    expect(await exited(child, 60_000)).toBe(1);
    const text = output();
    expect(text).toContain('\x1b[?25l'); // the bar hid the cursor…
    expect(text.lastIndexOf('\x1b[?25h')).toBeGreaterThan(text.lastIndexOf('\x1b[?25l')); // …and showed it
    expect(text.lastIndexOf('\x1b[?7h')).toBeGreaterThan(text.lastIndexOf('\x1b[?7l'));
    expect(text).toMatch(/gradscript: training diverged: .*try a smaller learning rate/);
  }, 90_000);

  test('Ctrl-C stops the run, restores the terminal, says what it kept and exits 130', async () => {
    const out = path.join(dir, 'out');
    expect(train('--steps', '5', '--samples', '20', '--hidden', '4', '--out', out).status).toBe(0);
    const before = contents(out);
    const { child, output } = onTerminal(['--steps', '1000000', '--out', out]);
    let typed = false;
    child.stdout!.on('data', () => {
      if (!typed && /step [1-9]\d*\/1000000/.test(output())) {
        typed = true;
        child.stdin!.write('\x03'); // Ctrl-C, through the terminal's line discipline
      }
    });
    expect(await exited(child, 60_000)).toBe(130);
    const text = output();
    expect(text.lastIndexOf('\x1b[?25h')).toBeGreaterThan(text.lastIndexOf('\x1b[?25l'));
    expect(text).toMatch(
      /gradscript: interrupted at step \d+ of 1000000: \S+ keeps its previous loss\.svg, boundary\.svg, graph\.svg, model\.json, unchanged/,
    );
    expect(contents(out)).toEqual(before);
    expect(leftovers()).toEqual([]);
  }, 90_000);
});

describe('3. saying what was trained', () => {
  test('labels 3 and 7 are two classes, the mapping printed and saved in model.json', () => {
    const csv = writeCsv(300, (c) => (c ? '7' : '3'));
    const { status, stdout } = train('--csv', csv, '--steps', '40', '--out', dir);
    expect(status).toBe(0);
    expect(stdout).toContain(
      'task: classification, 2 classes: label 3 is class 0, label 7 is class 1 (whole-number labels)',
    );
    expect(stdout).toContain('with the bce loss'); // a CSV's two classes: bce, for probabilities
    expect(Number(/^accuracy (\S+)%$/m.exec(stdout)![1])).toBeGreaterThan(85);
    const model = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(model).toMatchObject({
      task: 'classification',
      labels: [3, 7],
      loss: 'bce',
      nouts: [16, 16, 1],
    });
  }, 60_000);

  test('±1 labels are two classes, not a regression target', () => {
    const csv = writeCsv(300, (c) => (c ? '1' : '-1'));
    const { status, stdout } = train('--csv', csv, '--steps', '40', '--out', dir);
    expect(status).toBe(0);
    expect(stdout).toContain('label -1 is class 0, label 1 is class 1');
    expect(stdout).toContain('with the bce loss'); // a CSV's two classes: bce, for probabilities
    expect(Number(/^accuracy (\S+)%$/m.exec(stdout)![1])).toBeGreaterThan(85);
    expect(Number(/^loss (\S+)$/m.exec(stdout)![1])).toBeLessThan(1);
  }, 60_000);

  test('regression is inferred only from targets that are not whole numbers, and said so', () => {
    const csv = path.join(dir, 'prices.csv');
    fs.writeFileSync(
      csv,
      'a,b,price\n' +
        Array.from(
          { length: 50 },
          (_, i) => `${i / 50},${(i % 7) / 7},${(i / 25).toFixed(2)}`,
        ).join('\n'),
    );
    const { status, stdout } = train('--csv', csv, '--steps', '30', '--out', dir);
    expect(status).toBe(0);
    expect(stdout).toContain(
      'task: regression (the targets are not all whole numbers: 0.04 in row 2)',
    );
    expect(stdout).toContain('with the mse loss');
    expect(stdout).not.toMatch(/accuracy/);
  }, 60_000);

  test('--task regression predicts whole-number labels as numbers', () => {
    const csv = writeCsv(100);
    const { status, stdout } = train(
      '--csv',
      csv,
      '--task',
      'regression',
      '--steps',
      '20',
      '--out',
      dir,
    );
    expect(status).toBe(0);
    expect(stdout).toContain('task: regression (asked for)');
    expect(stdout).not.toMatch(/accuracy/);
    expect(fs.existsSync(path.join(dir, 'boundary.svg'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).task).toBe(
      'regression',
    );
  }, 60_000);

  test('divergence exits 1, suggests a smaller learning rate and keeps the previous model', () => {
    expect(train('--steps', '5', '--samples', '20', '--out', dir).status).toBe(0);
    const before = contents(dir);
    const { status, stdout, stderr } = train('--lr', '1e6', '--steps', '50', '--out', dir);
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^gradscript: training diverged: the loss became \S+ at step \d+, from \S+ at step 1; try a smaller learning rate\n$/,
    );
    expect(stdout).not.toMatch(/^wrote/m);
    expect(contents(dir)).toEqual(before);
  }, 60_000);

  test('the regression data set with the defaults ends at a finite loss', () => {
    const { status, stdout } = train('--dataset', 'regression', '--out', dir);
    expect(status).toBe(0);
    expect(Number.isFinite(Number(/^loss (\S+)$/m.exec(stdout)![1]))).toBe(true);
    const model = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(model.weights.every((w: unknown) => typeof w === 'number')).toBe(true);
  }, 60_000);
});

describe('4. safe output', () => {
  test('a second run into the same folder fails at once, naming the first', async () => {
    const out = path.join(dir, 'out');
    const first = spawn(process.execPath, [cli, 'train', '--steps', '1000000', '--out', out], {
      env: { ...process.env, CI: 'true' },
    });
    try {
      await new Promise<void>((resolve) =>
        first.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('step 1/')) resolve();
        }),
      );
      const started = Date.now();
      const second = train('--steps', '5', '--out', out);
      expect(second.status).toBe(1);
      expect(second.stderr).toBe(
        `gradscript: ${out} is in use by another training run (pid ${first.pid}, started ${
          JSON.parse(fs.readFileSync(path.join(out, '.gradscript.lock'), 'utf8')).started
        }): wait for it to end, or write to another folder\n`,
      );
      expect(second.stdout).toBe(''); // nothing read, nothing trained
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      first.kill('SIGINT');
      expect(await exited(first, 30_000)).toBe(130);
    }
    // The interrupted first run wrote nothing: the folder it made is gone, and the lock with it.
    expect(fs.existsSync(out)).toBe(false);
    expect(leftovers()).toEqual([]);
  }, 90_000);

  test('an unwritable --out fails before any data is read', () => {
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    const { status, stdout, stderr } = train(
      '--csv',
      writeCsv(50),
      '--out',
      path.join(file, 'out'),
    );
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^gradscript: cannot write to .*file\/out: ENOTDIR/);
  });

  /**
   * Runs `body` (JavaScript, with `lib` the built library and `out` the folder) in a Node process
   * of its own: the charts need Vega's ES modules, which jest cannot import.
   */
  function library(out: string, body: string): unknown {
    const script = `const lib = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'src'))});
      const out = ${JSON.stringify(out)};
      (async () => { ${body} })().then((r) => console.log(JSON.stringify(r ?? null)), (e) => {
        console.error(e.name + ': ' + e.message); process.exitCode = 1; });`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout);
  }

  test('an interrupted run leaves the previous set whole, and says what it kept', () => {
    const out = path.join(dir, 'out');
    library(
      out,
      `await lib.runTrainingJob({ data: { dataset: 'moons', samples: 30 }, steps: 5, hidden: [4], out });`,
    );
    const before = contents(out);
    const error = library(
      out,
      `const abort = new AbortController();
      try {
        await lib.runTrainingJob({ data: { dataset: 'moons', samples: 30 }, steps: 100, hidden: [4], out,
          signal: abort.signal, onStep: (info) => { if (info.step === 9) abort.abort(); } });
      } catch (e) { return { name: e.name, message: e.message, kept: e.kept }; }`,
    );
    expect(error).toEqual({
      name: 'TrainingInterrupted',
      message: `interrupted at step 10 of 100: ${out} keeps its previous loss.svg, boundary.svg, graph.svg, model.json, unchanged`,
      kept: ['loss.svg', 'boundary.svg', 'graph.svg', 'model.json'],
    });
    expect(contents(out)).toEqual(before);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  test('a run that writes fewer files removes the older ones: never a mixed set', () => {
    const out = path.join(dir, 'out');
    library(
      out,
      `await lib.runTrainingJob({ data: { dataset: 'moons', samples: 30 }, steps: 3, hidden: [4], out });`,
    );
    expect(fs.readdirSync(out).sort()).toEqual([
      'boundary.svg',
      'graph.svg',
      'loss.svg',
      'model.json',
    ]);
    const written = library(
      out,
      `const { written } = await lib.runTrainingJob({ data: { dataset: 'regression', samples: 30 }, steps: 3, hidden: [4], out });
      return written;`,
    ) as string[];
    expect(written.map((f) => path.basename(f))).toEqual(['loss.svg', 'graph.svg', 'model.json']);
    expect(fs.readdirSync(out).sort()).toEqual(['graph.svg', 'loss.svg', 'model.json']);
  }, 60_000);

  test('the lock names a live run, and a dead run’s lock or temporary folder is taken over', () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const lock = path.join(out, '.gradscript.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, started: 'then' }));
    expect(() => OutputFolder.open(out)).toThrow(OutputFolderBusyError);
    expect(() => OutputFolder.open(out)).toThrow(`(pid ${process.pid}, started then)`);
    // A pid that has exited: the lock is stale.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(lock, JSON.stringify({ pid: dead, started: 'then' }));
    fs.mkdirSync(path.join(dir, '.out.partial-AbC123'));
    const folder = OutputFolder.open(out);
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    expect(leftovers()).toHaveLength(1); // its own, not the dead run's
    expect(leftovers()[0]).not.toBe('.out.partial-AbC123');
    folder.close();
    expect(fs.existsSync(lock)).toBe(false);
    expect(leftovers()).toEqual([]);
  });
});
