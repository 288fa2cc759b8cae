/** `gradscript playground`'s server: compressed as the browser asks, cached where it can be. */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as zlib from 'zlib';
// The built server, which serves the build beside it (from src/ it would serve the sources).
import { serve } from '../dist/src/cli/playground';

const built = path.join(__dirname, '..', 'dist', 'playground');
let server: http.Server;
let port: number;

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => {});
  server = await serve(0);
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  server.close();
  jest.restoreAllMocks();
});

function get(pathname: string, acceptEncoding?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
      http
        .get({ host: '127.0.0.1', port, path: pathname, headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
        })
        .on('error', reject);
    },
  );
}

const assets = () => fs.readdirSync(path.join(built, 'assets'));

test('the page comes as brotli, gzip or plain, whichever the browser takes, byte for byte the build', async () => {
  const page = fs.readFileSync(path.join(built, 'index.html'));
  const br = await get('/', 'gzip, deflate, br');
  expect(br.headers['content-encoding']).toBe('br');
  expect(zlib.brotliDecompressSync(br.body)).toEqual(page);
  const gzip = await get('/', 'gzip;q=1, br;q=0');
  expect(gzip.headers['content-encoding']).toBe('gzip');
  expect(zlib.gunzipSync(gzip.body)).toEqual(page);
  const plain = await get('/');
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.body).toEqual(page);
  expect(plain.headers['cache-control']).toBe('no-cache');
  expect(plain.headers.vary).toBe('accept-encoding');
});

test('hashed assets are cached for good, and come smaller than they are on disk', async () => {
  const script = assets().find((name) => name.startsWith('index-') && name.endsWith('.js'))!;
  const onDisk = fs.statSync(path.join(built, 'assets', script)).size;
  const sent = await get(`/assets/${script}`, 'gzip');
  expect(sent.status).toBe(200);
  expect(sent.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(sent.headers['content-type']).toBe('text/javascript; charset=utf-8');
  expect(Number(sent.headers['content-length'])).toBe(sent.body.length);
  expect(sent.body.length).toBeLessThan(onDisk / 2);
});

test('nothing outside the build is served', async () => {
  expect((await get('/../../package.json')).status).toBe(404);
  expect((await get('/%2e%2e/%2e%2e/package.json')).status).toBe(404);
  expect((await get('/no-such-file.js')).status).toBe(404);
});
