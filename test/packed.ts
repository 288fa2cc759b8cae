/**
 * The package as `npm pack` makes it, packed once for what it contains and installed once, for
 * the suites that install it into fresh projects (consumer.test.ts, templates.test.ts). Each
 * project then starts from a copy of that install and runs its own `npm install` for what it adds,
 * which takes a few seconds where a whole install of gradscript's dependencies took fifteen or
 * more. Suites running at the same time take turns: the second one waits for the first's pack
 * and install instead of doing its own.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

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

export interface PackedInstall {
  /** The packed package. */
  tarball: string;
  /** A project with only the packed package installed (its package.json, lock and node_modules). */
  base: string;
  /** What that install printed. */
  installLog: string;
}

let packed: PackedInstall | undefined;

/**
 * The package packed and installed, made by the first suite that asks (in the system's temporary
 * folder, where the projects are, so that npm's relative paths to the tarball stay short).
 */
export function packedInstall(): PackedInstall {
  if (packed) return packed;
  const dir = path.join(os.tmpdir(), `gradscript-packed-${contentsKey()}`);
  const done = path.join(dir, 'done');
  withLock(`${dir}.lock`, () => {
    if (fs.existsSync(done)) return;
    removeOldInstalls();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], {
      cwd: root,
      stdio: 'pipe',
    });
    const tarball = path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.endsWith('.tgz'))!,
    );
    const base = path.join(dir, 'base');
    fs.mkdirSync(base);
    writeJson(path.join(base, 'package.json'), {
      private: true,
      dependencies: { gradscript: `file:${tarball}` },
    });
    const install = spawnSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: base,
      encoding: 'utf8',
    });
    if (install.status !== 0)
      throw new Error(`npm install of the packed package: ${install.stderr}`);
    fs.writeFileSync(path.join(dir, 'install.log'), install.stdout + install.stderr);
    fs.writeFileSync(done, '');
  });
  const now = new Date();
  fs.utimesSync(dir, now, now); // in use: see removeOldInstalls
  packed = {
    tarball: path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.endsWith('.tgz'))!,
    ),
    base: path.join(dir, 'base'),
    installLog: fs.readFileSync(path.join(dir, 'install.log'), 'utf8'),
  };
  return packed;
}

/** Installs of other contents (each about 90 MB), once no run has touched them for an hour. */
function removeOldInstalls(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!/^gradscript-packed-[0-9a-f]+$/.test(name)) continue;
    const dir = path.join(os.tmpdir(), name);
    if (Date.now() - fs.statSync(dir).mtimeMs > 3_600_000) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * Gives `project` the packed install's node_modules and lock file, as if gradscript had been
 * installed there first; the project's own `npm install` then adds what it needs beside it.
 */
export function startFromPackedInstall(project: string): void {
  const { base } = packedInstall();
  fs.cpSync(path.join(base, 'node_modules'), path.join(project, 'node_modules'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  fs.copyFileSync(path.join(base, 'package-lock.json'), path.join(project, 'package-lock.json'));
}

export function writeJson(file: string, json: unknown): void {
  fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
}

/** Runs `work` holding a lock (a directory), waiting while another process holds it. */
function withLock(lock: string, work: () => void): void {
  const owner = path.join(lock, 'pid');
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lock, owner)) fs.rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(wait, 0, 0, 250);
    }
  }
  try {
    work();
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
