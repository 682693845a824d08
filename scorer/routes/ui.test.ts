import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { problemType } from '../http/problem';
import { type Harness, startHarness } from '../test/app-harness';
import { useInfluxd } from '../test/influxd';

// The /ui page enabled on a scorer that has no bundle (a scorer image, a checkout without
// `npm run build:ui`): the page and its files say so instead of loading blank.
const influxd = useInfluxd();
let h: Harness;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-ui-'));
  h = await startHarness(influxd.current, { env: { UI_ENABLED: 'true', UI_DIR: dir } });
}, 60_000);
afterAll(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

it.each(['/ui', '/ui/ui.js', '/ui/ui.css'])(
  '%s answers 503 ui-not-built while the bundle is missing',
  async (path) => {
    const response = await h.app.request(path);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { type: string; detail: string };
    expect(problem.type).toBe(problemType('ui-not-built'));
    expect(problem.detail).toContain('npm run build:ui');
    expect(problem.detail).toContain(dir);
  },
);

it('serves the page and its bundle from UI_DIR once it is there', async () => {
  await writeFile(join(dir, 'ui.js'), 'console.log("tidemark ui");');
  await writeFile(join(dir, 'ui.css'), 'body { margin: 0; }');
  const page = await h.app.request('/ui');
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<script src="/ui/ui.js"></script>');
  const script = await h.app.request('/ui/ui.js');
  expect(script.status).toBe(200);
  expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(await script.text()).toBe('console.log("tidemark ui");');
});
