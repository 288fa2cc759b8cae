/** A small client for a real tsserver process, speaking its stdio protocol. */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';

type Response = { request_seq: number; success: boolean; body?: unknown; message?: string };

export class TsServer {
  private readonly process: ChildProcess;
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (response: Response) => void>();

  /** A tsserver (this repository's TypeScript's by default) that looks for plugins in `pluginProbeLocation`/node_modules. */
  constructor(
    pluginProbeLocation: string,
    tsserver = path.join(require.resolve('typescript'), '..', 'tsserver.js'),
    /** More arguments, such as `--globalPlugins NAME` (as VS Code passes an extension's plugins). */
    extraArguments: string[] = [],
  ) {
    this.process = spawn(
      process.execPath,
      [
        tsserver,
        '--disableAutomaticTypingAcquisition',
        '--pluginProbeLocations',
        pluginProbeLocation,
        ...extraArguments,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    this.process.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  request<T>(command: string, args: unknown): Promise<T> {
    const seq = ++this.seq;
    this.process.stdin!.write(
      JSON.stringify({ seq, type: 'request', command, arguments: args }) + '\n',
    );
    return new Promise((resolve, reject) => {
      this.pending.set(seq, (response) =>
        response.success
          ? resolve(response.body as T)
          : reject(new Error(`${command}: ${response.message}`)),
      );
    });
  }

  /** Sends a request that has no response (open, change). */
  notify(command: string, args: unknown): void {
    this.process.stdin!.write(
      JSON.stringify({ seq: ++this.seq, type: 'request', command, arguments: args }) + '\n',
    );
  }

  close(): void {
    this.process.kill();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = this.buffer.indexOf('\r\n\r\n');
      if (header < 0) return;
      const length = Number(
        /Content-Length: (\d+)/.exec(this.buffer.subarray(0, header).toString())![1],
      );
      const start = header + 4;
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString('utf8'));
      this.buffer = this.buffer.subarray(start + length);
      if (message.type === 'response') this.pending.get(message.request_seq)?.(message);
    }
  }
}
