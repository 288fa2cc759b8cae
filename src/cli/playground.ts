/** `gradscript playground`: serves the playground's production build on localhost. */
import { Command } from 'commander';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as zlib from 'zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

export function playgroundCommand(): Command {
  return new Command('playground')
    .description('open the browser playground: train, watch and trace, served on localhost')
    .option('--port <n>', 'the port to serve on (0: any free one)', (text) => Number(text), 5173)
    .action(async (flags: { port: number }) => {
      await serve(flags.port);
    });
}

export function serve(port: number): Promise<http.Server> {
  // The Vite build, in dist/playground beside dist/src.
  const root = path.join(__dirname, '..', '..', 'playground');
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new Error(
      `the playground is not built (no ${path.join(root, 'index.html')}): run npm run build`,
    );
  }
  const encoded = new Map<string, Buffer>();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const file = path.join(
      root,
      path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''),
    );
    const target = file.endsWith(path.sep) || file === root ? path.join(file, 'index.html') : file;
    if (!target.startsWith(root) || !fs.existsSync(target) || !fs.statSync(target).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    const encoding = preferredEncoding(request.headers['accept-encoding']);
    const key = `${encoding}:${target}`;
    let body = encoded.get(key);
    if (!body) {
      body = encode(fs.readFileSync(target), encoding);
      encoded.set(key, body);
    }
    response.writeHead(200, {
      'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream',
      'content-length': body.length,
      ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
      vary: 'accept-encoding',
      // Vite names each built asset by its content's hash, so an asset never changes under its
      // name; the page that names them is asked for afresh.
      'cache-control': url.pathname.startsWith('/assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      // The usual port is taken: any free one will do.
      if (error.code === 'EADDRINUSE' && port !== 0) server.listen(0, '127.0.0.1');
      else reject(error);
    });
    server.on('listening', () => {
      const address = server.address() as { port: number };
      console.log(`gradscript playground: http://localhost:${address.port}/`);
      resolve(server);
    });
    server.listen(port, '127.0.0.1');
  });
}

type Encoding = 'br' | 'gzip' | 'identity';

/** Brotli where the browser takes it (every current one does), else gzip, else none. */
function preferredEncoding(accepted: string | string[] | undefined): Encoding {
  const names = new Set<string>();
  for (const part of String(accepted ?? '').split(',')) {
    const [name, ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    // `br;q=0` says "not brotli".
    if (!parameters.some((p) => /^q=0(\.0*)?$/.test(p))) names.add(name);
  }
  if (names.has('br')) return 'br';
  if (names.has('gzip')) return 'gzip';
  return 'identity';
}

function encode(content: Buffer, encoding: Encoding): Buffer {
  if (encoding === 'br') return zlib.brotliCompressSync(content);
  if (encoding === 'gzip') return zlib.gzipSync(content, { level: 9 });
  return content;
}
