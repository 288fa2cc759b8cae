/**
 * Finds a Chromium for the browser tests, so that `npm test` runs on a machine that has none
 * installed: an explicit CHROMIUM_PATH first, then a system browser on PATH, and last the
 * headless Chromium that the @sparticuz/chromium devDependency carries inside the npm package.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser } from 'playwright-core';

export interface ChromiumExecutable {
  /** The browser binary, for playwright-core's `executablePath`. */
  path: string;
  /** Where it came from, for messages: `CHROMIUM_PATH`, `PATH (chromium)` or `@sparticuz/chromium`. */
  source: string;
}

/** System browsers that playwright-core can drive, most specific first. */
const browserNamesOnPath = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
];

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue; // an empty entry means the working directory; skip it
    const candidate = path.join(directory, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Unpacks @sparticuz/chromium's browser into the temp directory (once; later calls reuse it). */
async function unpackSparticuzChromium(): Promise<string> {
  // Its only build is a Linux x64 binary; elsewhere it would unpack something that cannot run.
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`it only runs on linux x64, not ${process.platform} ${process.arch}`);
  }
  // Loaded only here, so that a machine with a system browser never touches the package.
  const { default: sparticuzChromium } = await import('@sparticuz/chromium');
  return sparticuzChromium.executablePath();
}

/**
 * The Chromium to launch. Throws, naming everything tried, when there is none; a CHROMIUM_PATH
 * that names no executable is an error rather than a reason to look elsewhere, since whoever set
 * it asked for that browser.
 */
export async function chromiumExecutable(): Promise<ChromiumExecutable> {
  const chosenPath = process.env.CHROMIUM_PATH;
  if (chosenPath) {
    if (isExecutableFile(chosenPath)) return { path: chosenPath, source: 'CHROMIUM_PATH' };
    throw new Error(`CHROMIUM_PATH is ${chosenPath}, which is not an executable file`);
  }
  for (const name of browserNamesOnPath) {
    const found = findOnPath(name);
    if (found) return { path: found, source: `PATH (${name})` };
  }
  try {
    return { path: await unpackSparticuzChromium(), source: '@sparticuz/chromium' };
  } catch (error) {
    throw new Error(
      'no Chromium for the browser tests. Tried: CHROMIUM_PATH (unset); ' +
        `${browserNamesOnPath.join(', ')} on PATH (none found); ` +
        `@sparticuz/chromium (${error instanceof Error ? error.message : String(error)}). ` +
        'Set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  }
}

/**
 * The flags to launch it with. Not @sparticuz/chromium's recommended `args`: those include
 * --single-process (the renderer inside the browser process), which froze the page for seconds
 * under load. The network flags keep Chromium from calling out on a machine with no internet.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** A playground served by `gradscript playground` (from dist/) and a Chromium to drive it. */
export interface ServedPlayground {
  url: string;
  browser: Browser;
  /** Closes the browser and stops the server. */
  close(): Promise<void>;
}

/** Serves the playground on a free port and launches Chromium, naming the binary if it will not start. */
export async function servePlayground(): Promise<ServedPlayground> {
  const executable = await chromiumExecutable();
  const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
  const server = spawn(process.execPath, [cli, 'playground', '--port', '0']);
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk) => {
      const match = /http:\/\/\S+/.exec(String(chunk));
      if (match) resolve(match[0]);
    });
    server.once('exit', (code) => reject(new Error(`the playground server exited with ${code}`)));
  });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: executable.path, args: CHROMIUM_ARGS });
  } catch (error) {
    server.kill();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`could not launch ${executable.path} (from ${executable.source}): ${reason}`);
  }
  return {
    url,
    browser,
    close: async () => {
      await browser.close();
      server.kill();
    },
  };
}
