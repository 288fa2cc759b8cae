/**
 * The on-disk cache of `gradscript run`. Compiling a script takes seconds (the type checker, in
 * rounds), so the JavaScript it came to is kept with a record of everything the compilation
 * looked at, and reused for as long as all of that is as it was.
 *
 * One manifest per entry script, in node_modules/.cache/gradscript of the nearest folder with a
 * node_modules (else the system's temporary folder), named after the script's folder and name. It
 * holds:
 *  - the key: this build of gradscript and the TypeScript it compiles with. The compiler options
 *    follow from these and from the tsconfig files, which are among the inputs;
 *  - the inputs: every file read, by the hash of its content (or by size and times under
 *    node_modules and TypeScript's lib folder: for a script using @types/node, hashing those
 *    ~400 declaration files, 3 MB, takes about 15 ms to their stats' 2); every path looked for and
 *    whether it was a file or a directory, so that a file appearing where module resolution or
 *    the tsconfig search found nothing is noticed; every directory listed (the @types folders)
 *    and every real path asked for;
 *  - the JavaScript emitted for each file, and whether it is CommonJS or an ES module;
 *  - each of the user's files as the compilation left it: the hash of its text, and its
 *    rewriting. When only such files have changed since (an edited script), the next compilation
 *    takes the rest as they were and looks again only at the changed files and at the files
 *    importing them: it rewrites, type-checks and emits those, and reuses the others' JavaScript;
 *  - a hash of what every file saw without importing it (the compiler options, the names of the
 *    files that declare globals): the next compilation reuses nothing unless it sees the same.
 *
 * A script with no usable manifest of its own (a new one, in a folder of several) starts the same
 * way from the newest manifest of another script in its folder, when only user files changed
 * since that one was written: the files the two share are then not checked again.
 *
 * All of TypeScript's access to the file system goes through the hosts InputRecorder wraps. What
 * the cache cannot see is a file under node_modules or TypeScript's lib folder rewritten with the
 * same size, modification time and change time.
 *
 * Loading a manifest needs neither TypeScript nor the transformer: on a hit, neither is loaded.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { cacheFolder, codeFolder } from '../load-typescript';

/** Changes whenever the manifest's layout does, so that one from an older layout is a miss. */
const MANIFEST_FORMAT = 4;

/** What a compilation looked at, and what it found. */
export interface ScriptInputs {
  /** Every file read, with its fingerprint (see `fingerprint`). */
  files: Record<string, string>;
  /** Every path asked whether it is a file, with the answer. */
  fileExists: Record<string, boolean>;
  /** Every path asked whether it is a directory, with the answer. */
  directoryExists: Record<string, boolean>;
  /** Every directory whose subdirectories were listed, with their names. */
  subdirectories: Record<string, string[]>;
  /** Every path resolved through symbolic links, with where it led. */
  realpaths: Record<string, string>;
}

/** The parts of TypeScript's hosts (compiler host, config-parsing host) that touch the disk. */
export interface FileSystemHost {
  fileExists(path: string): boolean;
  readFile(path: string, encoding?: string): string | undefined;
  directoryExists?(path: string): boolean;
  getDirectories?(path: string): string[];
  realpath?(path: string): string;
}

/** One of the user's files as a compilation left it. */
export interface SourceRecord {
  /** As the program names it. */
  fileName: string;
  /** The SHA-256 of the text it was compiled from. */
  hash: string;
  /**
   * Whether the file can change what other files see without their importing it (a script, or
   * a module that declares globals or augments another module).
   */
  global: boolean;
  /** Its rewritten text, with the position maps back (PositionMaps.toNumbers), if it was rewritten. */
  rewritten?: { text: string; maps: number[][] };
}

/** One file of the script as emitted: what Node runs in its place. */
export interface CompiledModule {
  /** As Node decides for the file (.mts, .cts, the package's "type"), and TypeScript with it. */
  format: 'commonjs' | 'module';
  /** JavaScript, with an inline source map. */
  code: string;
}

/** What an earlier compilation of the script left, for one whose user files changed. */
export interface PreviousCompilation {
  sources: readonly SourceRecord[];
  /** The emitted modules, by the real path of the file each came from. */
  modules: ReadonlyMap<string, CompiledModule>;
  /** What every file saw without importing it (see compile.ts, `ambientOf`). */
  ambient: string;
}

interface Manifest {
  key: string;
  entry: string;
  inputs: ScriptInputs;
  /** The emitted modules, by the real path of the file each came from. */
  modules: [string, CompiledModule][];
  sources: SourceRecord[];
  ambient: string;
}

/** On a hit, the script's modules; on a miss, what may be reused of the last compilation. */
export type CacheLookup =
  | { modules: Map<string, CompiledModule> }
  | { modules?: undefined; previous?: PreviousCompilation };

/** Records what the hosts given to `record` find on the disk, for a manifest to check later. */
export class InputRecorder {
  readonly inputs: ScriptInputs = {
    files: {},
    fileExists: {},
    directoryExists: {},
    subdirectories: {},
    realpaths: {},
  };

  /**
   * Makes `host` record what it finds, and returns it. Its methods are replaced in place: the
   * compiler host's getSourceFile calls the host's own readFile.
   */
  record<Host extends FileSystemHost>(host: Host): Host {
    const inputs = this.inputs;
    const recorded: FileSystemHost = host;
    const { fileExists, readFile, directoryExists, getDirectories, realpath } = recorded;
    recorded.fileExists = (file) => (inputs.fileExists[file] = fileExists.call(host, file));
    recorded.readFile = (file, encoding) => {
      // Taken before TypeScript reads the file: an edit in between makes the entry stale, not wrong.
      inputs.files[file] = fingerprint(file);
      return readFile.call(host, file, encoding);
    };
    if (directoryExists) {
      recorded.directoryExists = (directory) =>
        (inputs.directoryExists[directory] = directoryExists.call(host, directory));
    }
    if (getDirectories) {
      recorded.getDirectories = (directory) => {
        inputs.subdirectories[directory] = subdirectories(directory);
        return getDirectories.call(host, directory);
      };
    }
    if (realpath) {
      recorded.realpath = (file) => (inputs.realpaths[file] = realpath.call(host, file));
    }
    return host;
  }
}

/** The cached compilation of one entry script. Never throws: a cache that fails is a miss. */
export class ScriptCache {
  /** Where the manifest of the entry script is kept. */
  readonly manifestPath: string;
  /** Where V8's code for TypeScript is kept (load-typescript.ts), beside the manifests. */
  readonly codeDirectory: string;

  /** `entry` is the script's absolute path; `debug` hears of every hit, miss and write. */
  constructor(
    private readonly entry: string,
    private readonly debug: (message: string) => void,
  ) {
    const directory = cacheFolder(path.dirname(entry));
    this.manifestPath = path.join(directory, `${folderTag(entry)}-${path.basename(entry)}.json`);
    this.codeDirectory = codeFolder(directory);
  }

  /**
   * The compiled modules of the script, when nothing it was compiled from has changed;
   * else, when only the user's own files have, what the last compilation made of them.
   */
  load(): CacheLookup {
    let change: InputChange | undefined;
    let manifest: Manifest | undefined;
    try {
      manifest = readManifest(this.manifestPath);
      if (manifest && manifest.entry !== this.entry) throw new Error(`made for ${manifest.entry}`);
      change = manifest ? changedInput(manifest) : { reason: 'no cache entry', onlySources: false };
    } catch (error) {
      change = { reason: `unusable cache entry (${(error as Error).message})`, onlySources: false };
    }
    if (manifest && change === undefined) {
      this.debug(`hit (${this.manifestPath})`);
      return { modules: new Map(manifest.modules) };
    }
    this.debug(`miss: ${change?.reason} (${this.manifestPath})`);
    if (manifest && change?.onlySources) return { previous: previousOf(manifest) };
    return { previous: this.neighbour() };
  }

  /**
   * What the newest compilation of another script in the entry's folder left, when only user
   * files have changed since: a script new to the folder need not check again what it shares
   * with the others (compile.ts reuses nothing unless the options and global declarations are
   * the same too).
   */
  private neighbour(): PreviousCompilation | undefined {
    const directory = path.dirname(this.manifestPath);
    const prefix = `${folderTag(this.entry)}-`;
    let newest: { file: string; written: number } | undefined;
    try {
      for (const name of fs.readdirSync(directory)) {
        const file = path.join(directory, name);
        if (!name.startsWith(prefix) || !name.endsWith('.json') || file === this.manifestPath)
          continue;
        const written = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -Infinity;
        if (!newest || written > newest.written) newest = { file, written };
      }
    } catch {
      return undefined; // No cache folder yet.
    }
    if (!newest) return undefined;
    try {
      const manifest = readManifest(newest.file);
      if (!manifest || path.dirname(manifest.entry) !== path.dirname(this.entry))
        throw new Error('not of a script in this folder');
      const change = changedInput(manifest);
      if (change && !change.onlySources) {
        this.debug(`not starting from ${newest.file}: ${change.reason}`);
        return undefined;
      }
      this.debug(`starting from ${newest.file}`);
      return previousOf(manifest);
    } catch (error) {
      this.debug(`not starting from ${newest.file}: unusable (${(error as Error).message})`);
      return undefined;
    }
  }

  /** Keeps the compiled script. Written aside and renamed into place, so a run never reads half of one. */
  save(
    modules: ReadonlyMap<string, CompiledModule>,
    inputs: ScriptInputs,
    sources: readonly SourceRecord[],
    ambient: string,
  ): void {
    const temporary = `${this.manifestPath}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      const manifest: Manifest = {
        key: cacheKey(),
        entry: this.entry,
        inputs,
        modules: [...modules],
        sources: [...sources],
        ambient,
      };
      const json = JSON.stringify(manifest);
      fs.mkdirSync(path.dirname(this.manifestPath), { recursive: true });
      fs.writeFileSync(temporary, `${sha256(json)}\n${json}`);
      fs.renameSync(temporary, this.manifestPath);
      this.debug(`wrote ${this.manifestPath}`);
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      this.debug(`could not write ${this.manifestPath}: ${(error as Error).message}`);
    }
  }
}

/** The manifest at `file`, if there is one made by this build; throws if it is damaged. */
function readManifest(file: string): Manifest | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  const json = text.slice(newline + 1);
  if (newline < 0 || text.slice(0, newline) !== sha256(json)) throw new Error('bad checksum');
  const manifest = JSON.parse(json) as Manifest;
  // The checksum vouches for the content, the key for its layout.
  if (manifest.key !== cacheKey())
    throw new Error('made by another build of gradscript or TypeScript');
  return manifest;
}

function previousOf({ sources, modules, ambient }: Manifest): PreviousCompilation {
  return { sources, modules: new Map(modules), ambient };
}

/** Begins the name of every manifest of a script in the entry's folder. */
function folderTag(entry: string): string {
  return sha256(path.dirname(entry)).slice(0, 16);
}

interface InputChange {
  /** The first change found, for the debug output. */
  reason: string;
  /** True when the only changes are to the text of the user's own files, none of them global. */
  onlySources: boolean;
}

/** How the inputs differ from what the manifest recorded, or undefined if they do not. */
function changedInput({ inputs, sources }: Manifest): InputChange | undefined {
  const editable = new Set(sources.filter((s) => !s.global).map((s) => s.fileName));
  const edited: string[] = [];
  for (const [file, recorded] of Object.entries(inputs.files)) {
    if (fingerprint(file) === recorded) continue;
    if (!editable.has(file)) return { reason: `${file} changed`, onlySources: false };
    edited.push(file);
  }
  const other = otherChange(inputs);
  if (other !== undefined) return { reason: other, onlySources: false };
  return edited.length > 0
    ? { reason: `${edited.join(', ')} changed`, onlySources: true }
    : undefined;
}

/** The first change found to what the file system answered other than files' contents. */
function otherChange(inputs: ScriptInputs): string | undefined {
  for (const [file, wasFile] of Object.entries(inputs.fileExists)) {
    if ((kindOf(file) === 'file') !== wasFile) return `${file} ${wasFile ? 'went' : 'appeared'}`;
  }
  for (const [directory, wasDirectory] of Object.entries(inputs.directoryExists)) {
    if ((kindOf(directory) === 'directory') !== wasDirectory)
      return `${directory} ${wasDirectory ? 'went' : 'appeared'}`;
  }
  for (const [directory, names] of Object.entries(inputs.subdirectories)) {
    if (subdirectories(directory).join('/') !== names.join('/')) return `${directory} changed`;
  }
  for (const [file, real] of Object.entries(inputs.realpaths)) {
    if (realpathOrSelf(file) !== real) return `${file} now leads elsewhere`;
  }
  return undefined;
}

/**
 * Stands for a file's content: its hash, or under node_modules and TypeScript's lib folder (which
 * change by whole installs, and are most of what a script reads) its size and times.
 */
function fingerprint(file: string): string {
  try {
    if (file.split(/[\\/]/).includes('node_modules') || file.startsWith(typeScriptLib())) {
      const { size, mtimeMs, ctimeMs } = fs.statSync(file);
      return `stat:${size}:${mtimeMs}:${ctimeMs}`;
    }
    return `sha256:${crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`;
  } catch {
    return 'missing';
  }
}

function kindOf(file: string): 'file' | 'directory' | 'none' {
  try {
    // Not throwing for a missing file makes this several times quicker, and most paths looked for are missing.
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    return stat?.isFile() ? 'file' : stat?.isDirectory() ? 'directory' : 'none';
  } catch {
    // ENOTDIR, for a path through a file.
    return 'none';
  }
}

/** The names of a directory's subdirectories (following links), sorted; none if it is gone. */
function subdirectories(directory: string): string[] {
  try {
    return fs
      .readdirSync(directory)
      .filter((name) => kindOf(path.join(directory, name)) === 'directory')
      .sort();
  } catch {
    return [];
  }
}

/** As TypeScript's ts.sys.realpath has it. */
function realpathOrSelf(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return file;
  }
}

let typeScriptLibFolder: string | undefined;

/** The folder of TypeScript's lib.*.d.ts: beside its main module, found without loading it. */
function typeScriptLib(): string {
  return (typeScriptLibFolder ??= path.dirname(require.resolve('typescript')) + path.sep);
}

/**
 * Identifies what turns inputs into JavaScript: the manifest layout, gradscript's version and the
 * transformer's code (every file under dist/transformer: hashed, since rebuilding rewrites them
 * all, most often unchanged), and the TypeScript module (by size and times, as it is 9 MB).
 */
function cacheKey(): string {
  return (cacheKeyOfThisProcess ??= computeCacheKey());
}

let cacheKeyOfThisProcess: string | undefined;

function computeCacheKey(): string {
  // This file is dist/transformer/hosts/run/script-cache.js.
  const transformerRoot = path.join(__dirname, '..', '..');
  const { version } = JSON.parse(
    fs.readFileSync(path.join(transformerRoot, '..', '..', 'package.json'), 'utf8'),
  ) as { version: string };
  const transformer = (fs.readdirSync(transformerRoot, { recursive: true }) as string[])
    .filter((name) => path.extname(name) === path.extname(__filename))
    .sort()
    .map((name) => `${name}:${fingerprint(path.join(transformerRoot, name))}`);
  const typeScript = require.resolve('typescript');
  return sha256(
    JSON.stringify([MANIFEST_FORMAT, version, transformer, typeScript, fingerprint(typeScript)]),
  );
}

export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}
