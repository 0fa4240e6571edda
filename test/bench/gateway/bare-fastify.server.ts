/**
 * The baseline of `npm run bench:gateway`: a bare Fastify handler returning the trivial script's
 * JSON ({"hello":"world"}, application/json; charset=utf-8), on BARE_PORT. Same Fastify module
 * as the gateway, no hooks, no logging.
 */
import Fastify from 'fastify';

const port = Number(process.env.BARE_PORT ?? 0);
const app = Fastify();
app.get('/bench/hello', async () => ({ hello: 'world' }));

app.listen({ port, host: '127.0.0.1' }).then(
  (address) => console.log(`bare fastify listening on ${address}`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
const stop = (): void => {
  void app.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
