/** The example repository committed on first start, so the whole loop is visible at once. */
export const EXAMPLE_REPOSITORY = 'demo';

export const EXAMPLE_FILES: { path: string; content: string }[] = [
  {
    path: 'dsp.json',
    content: `${JSON.stringify(
      {
        endpoints: [
          { method: 'GET', path: '/demo/titles/:id', script: 'title.js', timeoutMs: 1000 },
          { method: 'GET', path: '/demo/ping', script: 'ping.js' },
        ],
      },
      null,
      2,
    )}\n`,
  },
  {
    path: 'ping.js',
    content: `export default async (request) => ({ status: 200, body: { pong: true, path: request.path } });\n`,
  },
  {
    path: 'title.js',
    content: `import { shape } from './lib/shape.js';

// A device adapter: two backend calls in parallel, one response shaped for the device.
export default async (request, ctx) => {
  const [title, rating] = await Promise.all([
    ctx.services.catalog.get('/titles/' + request.params.id),
    ctx.services.ratings.get('/titles/' + request.params.id),
  ]);
  if (title.status !== 200) return { status: 404, body: { error: 'no such title' } };
  return { status: 200, body: shape(title.body, rating.status === 200 ? rating.body : null) };
};
`,
  },
  {
    path: 'lib/shape.js',
    content: `export function shape(title, rating) {
  return { id: title.id, name: title.name, year: title.year, stars: rating ? rating.average : null };
}
`,
  },
];
