/**
 * The package as `npm pack` makes it, and the projects that the suites installing it
 * (consumer.test.ts, templates.test.ts) work in. Each is made once for what the package contains,
 * in the system's temporary folder, and shared: by both suites, which run at the same time (the
 * second to ask waits for the first's work instead of doing its own), and by the runs that follow
 * within the hour. A suite works in folders of its own inside a project, where node, TypeScript,
 * tsserver and the bundlers find the project's node_modules as they would from its own files: an
 * install takes seconds of npm, a folder nothing.
 *
 *  - base: the packed package alone, installed from a package.json that names it, by a plain
 *    `npm install`; gradscript's TypeScript is the only one there;
 *  - the projects of SHARED_PROJECTS, each made the README's way (`npm init -y`,
 *    `npm pkg set type=module`, then `npm install` of the tarball and what the project adds),
 *    starting from a copy of base's node_modules, so that npm installs only what is new.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnAndWait } from './spawn';

const root = path.join(__dirname, '..');
const rootModules = path.join(root, 'node_modules');
export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund'];

/** The version of a package in this repository's node_modules. */
function installed(name: string): string {
  const manifest = path.join(rootModules, name, 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * What each shared project installs beside gradscript: registry packages at the versions this
 * repository's lock file has (so that npm's cache has them), TypeScript 5.9 and 7 as a user
 * pins them (7 as create-vite gives it), and ts-patch linked from this repository's node_modules
 * (npm links a folder), which needs no registry.
 */
const SHARED_PROJECTS = {
  'typescript-5.9': ['typescript@5.9.3', `file:${path.join(rootModules, 'ts-patch')}`],
  'typescript-7': ['typescript@7.0.2', `vite@${installed('vite')}`],
  'typescript-6': [`typescript@${installed('typescript6')}`],
  bundlers: ['rollup', 'webpack', 'esbuild', '@rspack/core'].map(
    (name) => `${name}@${installed(name)}`,
  ),
} as const;
export type SharedProject = keyof typeof SHARED_PROJECTS;

export interface PackedInstall {
  /** The packed package. */
  tarball: string;
  /** A project with only the packed package installed (its package.json, lock and node_modules). */
  base: string;
  /** What base's install printed. */
  installLog: string;
}

export interface InstalledProject {
  /** The project: its package.json, lock and node_modules. */
  dir: string;
  /** What its `npm install` printed. */
  installLog: string;
}

export async function packedInstall(): Promise<PackedInstall> {
  const pack = await madeOnce('pack', (dir) =>
    npmIn(root, ['pack', '--ignore-scripts', '--pack-destination', dir]),
  );
  const tarball = path.join(
    pack.dir,
    fs.readdirSync(pack.dir).find((f) => f.endsWith('.tgz'))!,
  );
  const base = await madeOnce('base', (dir) => {
    writeJson(path.join(dir, 'package.json'), {
      private: true,
      dependencies: { gradscript: `file:${tarball}` },
    });
    return npmIn(dir, INSTALL);
  });
  return { tarball, base: base.dir, installLog: base.installLog };
}

export async function installedProject(name: SharedProject): Promise<InstalledProject> {
  const { tarball, base } = await packedInstall();
  const dependencies = SHARED_PROJECTS[name];
  // Named for what it installs too, so that a changed list is a project of its own.
  const key = crypto.createHash('sha256').update(dependencies.join('\n')).digest('hex');
  return madeOnce(`${name}-${key.slice(0, 8)}`, async (dir) => {
    await npmIn(dir, ['init', '-y']);
    await npmIn(dir, ['pkg', 'set', 'type=module']);
    fs.cpSync(path.join(base, 'node_modules'), path.join(dir, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
      // Not what `gradscript run` cached there for the scripts run in base's folders.
      filter: (source) => source !== path.join(base, 'node_modules', '.cache'),
    });
    fs.copyFileSync(path.join(base, 'package-lock.json'), path.join(dir, 'package-lock.json'));
    // A plain install, as a user's (no --force, no --legacy-peer-deps): it must not stop on a
    // peer conflict.
    return npmIn(dir, [...INSTALL, tarball, ...dependencies]);
  });
}

/** A new folder inside `project` for a suite's files, which the suite removes when done. */
export function newFolderIn(project: string, prefix: string): string {
  return fs.mkdtempSync(path.join(project, `${prefix}-`));
}

export function writeJson(file: string, json: unknown): void {
  fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
}

/** Runs npm in `dir`, returning what it printed, or throwing with that when it fails. */
async function npmIn(dir: string, args: string[]): Promise<string> {
  const { status, output } = await spawnAndWait(npm, args, { cwd: dir });
  if (status !== 0) throw new Error(`npm ${args.join(' ')} in ${dir}:\n${output}`);
  return output;
}

/** What npm pack takes, as package.json's "files" names it, and package.json itself. */
function contentsKey(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    files: string[];
  };
  const hash = crypto.createHash('sha256');
  const add = (file: string) => {
    if (fs.statSync(file).isDirectory()) {
      for (const name of fs.readdirSync(file).sort()) add(path.join(file, name));
    } else {
      hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file));
    }
  };
  for (const entry of ['package.json', ...manifest.files]) add(path.join(root, entry));
  return hash.digest('hex').slice(0, 16);
}

let contents: string | undefined;

/**
 * The folder of this contents' pack and projects, in the system's temporary folder (where npm's
 * relative paths to the tarball stay short), marked as in use; older contents' folders go.
 */
function contentsFolder(): string {
  if (contents) return contents;
  removeOldInstalls();
  contents = path.join(os.tmpdir(), `gradscript-packed-${contentsKey()}`);
  fs.mkdirSync(contents, { recursive: true });
  const now = new Date();
  fs.utimesSync(contents, now, now);
  return contents;
}

/** Installs of other contents (about 90 MB a project), once no run has touched them for an hour. */
function removeOldInstalls(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!/^gradscript-packed-[0-9a-f]+$/.test(name)) continue;
    const dir = path.join(os.tmpdir(), name);
    if (Date.now() - fs.statSync(dir).mtimeMs > 3_600_000) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

const making = new Map<string, Promise<InstalledProject>>();

/**
 * The folder `name` of this contents' folder, as `make` fills it: by the first process to ask,
 * holding a lock that the others wait on, unless a mark beside it says that it was made already.
 * `make` returns what npm printed, kept beside the folder too.
 */
function madeOnce(name: string, make: (dir: string) => Promise<string>): Promise<InstalledProject> {
  const dir = path.join(contentsFolder(), name);
  const [done, log] = [`${dir}.done`, `${dir}.log`];
  let made = making.get(dir);
  if (!made) {
    made = withLock(`${dir}.lock`, async () => {
      if (fs.existsSync(done)) return;
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      fs.writeFileSync(log, await make(dir));
      fs.writeFileSync(done, '');
    }).then(() => ({ dir, installLog: fs.readFileSync(log, 'utf8') }));
    making.set(dir, made);
  }
  return made;
}

/** Runs `work` holding a lock (a directory), waiting while another process holds it. */
async function withLock(lock: string, work: () => Promise<void>): Promise<void> {
  const owner = path.join(lock, 'pid');
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lock, owner)) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** A lock whose holder has died, or that never got its holder's pid within a minute. */
function isStale(lock: string, owner: string): boolean {
  try {
    const pid = Number(fs.readFileSync(owner, 'utf8'));
    process.kill(pid, 0);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > 60_000;
    } catch {
      return false; // released meanwhile
    }
  }
}
