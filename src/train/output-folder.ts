/**
 * An output folder that is written whole or not at all, by one run at a time. Files are written
 * into a temporary folder beside it and moved in only once all of them are written, so an
 * interrupted run leaves the previous set as it was; a lock file in the folder turns a second
 * run away at once, naming the first.
 */
import * as fs from 'fs';
import * as path from 'path';

const LOCK = '.gradscript.lock';
/** A lock file this young may still be being written by its owner, even if it does not parse. */
const LOCK_WRITE_GRACE_MS = 5000;

interface LockHolder {
  pid: number;
  started: string;
}

export class OutputFolderBusyError extends Error {
  override name = 'OutputFolderBusyError';
}

export class OutputFolder {
  private committed = false;
  private closed = false;
  /** Cleans up if the process exits without close(): process.exit() after a second Ctrl-C. */
  private readonly onExit = () => this.close();

  private constructor(
    readonly dir: string,
    private readonly staging: string,
    /** Whether open() made the folder: one that gets nothing is then removed again. */
    private readonly made: boolean,
  ) {
    process.on('exit', this.onExit);
  }

  /** Makes the folder, locks it and makes the temporary folder beside it: all before any work. */
  static open(dir: string): OutputFolder {
    let made: boolean;
    try {
      made = makeFolder(path.resolve(dir));
    } catch (error) {
      throw new Error(`cannot write to ${dir}: ${(error as Error).message}`);
    }
    lock(dir);
    const absolute = path.resolve(dir);
    removeLeftovers(absolute);
    try {
      // Beside the folder; inside it (hidden) when its parent cannot be written. Either way on
      // the same file system, so that each file moves in with one rename.
      let staging: string;
      try {
        staging = fs.mkdtempSync(
          path.join(path.dirname(absolute), `.${path.basename(absolute)}.partial-`),
        );
      } catch {
        staging = fs.mkdtempSync(path.join(absolute, '.partial-'));
      }
      return new OutputFolder(dir, staging, made);
    } catch (error) {
      fs.rmSync(path.join(dir, LOCK), { force: true });
      throw new Error(
        `cannot write to ${dir} (for its temporary folder): ${(error as Error).message}`,
      );
    }
  }

  /** Where to write the file `name` before commit(). */
  path(name: string): string {
    return path.join(this.staging, name);
  }

  /** Which of these files the folder holds now. */
  present(names: readonly string[]): string[] {
    return names.filter((name) => fs.existsSync(path.join(this.dir, name)));
  }

  /**
   * Moves the written files in, one rename each, and deletes those of `replaces` this run did not
   * write, so that no file of an older run stays beside the new ones. Returns the files' paths.
   */
  commit(names: readonly string[], replaces: readonly string[]): string[] {
    for (const name of names) fs.renameSync(this.path(name), path.join(this.dir, name));
    this.committed = true;
    for (const name of replaces)
      if (!names.includes(name)) fs.rmSync(path.join(this.dir, name), { force: true });
    return names.map((name) => path.join(this.dir, name));
  }

  get isCommitted(): boolean {
    return this.committed;
  }

  /** Removes the temporary folder and the lock. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('exit', this.onExit);
    fs.rmSync(this.staging, { recursive: true, force: true });
    fs.rmSync(path.join(this.dir, LOCK), { force: true });
    if (this.made && !this.committed) {
      try {
        fs.rmdirSync(this.dir); // only if empty
      } catch {
        // Something else was put there meanwhile: it stays.
      }
    }
  }
}

/**
 * `mkdir -p`, one level at a time: Node's own recursive mkdirSync loops forever on a path that
 * the system refuses with ENOENT although its parent exists (a path under /proc, say).
 */
function makeFolder(dir: string): boolean {
  const missing: string[] = [];
  let at = dir;
  while (!fs.existsSync(at)) {
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir} is a file, not a folder`);
  return missing.length > 0;
}

/**
 * Removes the temporary folders of runs into `dir` that were killed outright (SIGKILL, a power
 * cut): with the lock held, no live run owns one.
 */
function removeLeftovers(dir: string): void {
  const places: [string, string][] = [
    [path.dirname(dir), `.${path.basename(dir)}.partial-`],
    [dir, '.partial-'],
  ];
  for (const [folder, prefix] of places) {
    let names: string[];
    try {
      names = fs.readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      // mkdtemp's six random characters, and nothing else: no other file is ever touched.
      if (name.startsWith(prefix) && /^[A-Za-z0-9]{6}$/.test(name.slice(prefix.length)))
        fs.rmSync(path.join(folder, name), { recursive: true, force: true });
    }
  }
}

/** Creates the lock file, or throws naming the live run that holds it; a dead run's lock is taken over. */
function lock(dir: string): void {
  const file = path.join(dir, LOCK);
  const holder: LockHolder = { pid: process.pid, started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(holder), { flag: 'wx' });
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' || attempt > 0)
        throw new Error(`cannot write to ${dir}: ${(error as Error).message}`);
    }
    const other = readHolder(file);
    if (other === 'being written' || (other && isRunning(other.pid))) {
      const who =
        other === 'being written'
          ? 'a run that is just starting'
          : `pid ${other.pid}, started ${other.started}`;
      throw new OutputFolderBusyError(
        `${dir} is in use by another training run (${who}): wait for it to end, or write to another folder`,
      );
    }
    fs.rmSync(file, { force: true });
  }
}

function readHolder(file: string): LockHolder | 'being written' | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    if (Number.isInteger(holder.pid)) return holder;
  } catch {
    // Unreadable or half-written: decided by its age below.
  }
  try {
    return Date.now() - fs.statSync(file).mtimeMs < LOCK_WRITE_GRACE_MS
      ? 'being written'
      : undefined;
  } catch {
    return undefined; // gone meanwhile: its run ended
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
