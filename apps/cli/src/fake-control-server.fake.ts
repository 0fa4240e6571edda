/** Test support for the CLI: a small node:http fake of the control API, and `dsp` run in-process. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliIo } from './cli-io.type';
import { runCli } from './cli.program';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeResponse {
  status: number;
  body: unknown;
  contentType?: string;
}

export type Route = (request: RecordedRequest) => FakeResponse;

export class FakeControlServer {
  readonly requests: RecordedRequest[] = [];
  readonly routes = new Map<string, Route>();
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const text = Buffer.concat(chunks).toString('utf8');
        const request: RecordedRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: req.headers,
          body: text ? (JSON.parse(text) as unknown) : undefined,
        };
        this.requests.push(request);
        const route = this.routes.get(`${request.method} ${request.path}`);
        const answer = route
          ? route(request)
          : { status: 404, body: { error: { code: 'not-found', message: `no route ${request.method} ${request.path}` } } };
        const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
        res.end(payload);
      });
    });
  }

  on(method: string, path: string, route: Route | FakeResponse): void {
    this.routes.set(`${method} ${path}`, typeof route === 'function' ? route : () => route);
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

export interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `dsp <argv>` in-process with `cwd` and `env`, capturing stdout, stderr and the exit code. */
export async function runDsp(argv: readonly string[], options: { cwd: string; env: Record<string, string> }): Promise<Run> {
  const out: Buffer[] = [];
  let stderr = '';
  const io: CliIo = {
    cwd: options.cwd,
    env: options.env,
    writeOut: (chunk) => void out.push(Buffer.from(chunk)),
    writeErr: (text) => void (stderr += text),
    gitConfig: () => undefined,
    osUserName: () => 'tester',
  };
  const exitCode = await runCli(argv, io);
  return { exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr };
}
