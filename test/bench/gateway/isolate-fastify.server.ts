/**
 * The reference point for `npm run bench:gateway`: a plain Fastify route calling a warm
 * isolate, on ISOLATE_PORT. At start it creates one isolate (128 MB) and compiles the trivial
 * handler in it; each request copies {method, path, query, headers} in, runs the handler with one
 * applySync on this (the event loop) thread, and sends the JSON string it returns
 * ({"hello":"world"}, application/json; charset=utf-8). One isolate call per request, no
 * batching, no guardrails beyond the call's timeout; no hooks, no logging.
 */
import Fastify from 'fastify';
import ivm from 'isolated-vm';

interface IsolateRequest {
  method: string;
  path: string;
  query: unknown;
  headers: Record<string, string | string[] | undefined>;
}

const port = Number(process.env.ISOLATE_PORT ?? 0);
const isolate = new ivm.Isolate({ memoryLimit: 128 });
const context = isolate.createContextSync();
// The trivial script's handler, and what turns its answer into the response body.
const handle: ivm.Reference<(request: IsolateRequest) => string> = context.evalClosureSync(
  `const handler = (request) => ({ status: 200, body: { hello: 'world' } });
   return (request) => JSON.stringify(handler(request).body);`,
  [],
  { result: { reference: true } },
);

const app = Fastify();
app.get('/bench/hello', (request, reply) => {
  const copied: IsolateRequest = { method: request.method, path: request.url.split('?')[0] ?? request.url, query: request.query, headers: request.headers };
  const text = handle.applySync(undefined, [copied], { arguments: { copy: true }, timeout: 1000 });
  void reply.type('application/json; charset=utf-8').send(text);
});

app.listen({ port, host: '127.0.0.1' }).then(
  (address) => console.log(`fastify + isolate listening on ${address}`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
const stop = (): void => {
  void app.close().then(() => {
    handle.release();
    context.release();
    isolate.dispose();
    process.exit(0);
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
