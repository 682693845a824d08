import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisioningError } from '../continuous/provisioning';
import { loadProvisionedWindows } from './provisioning';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tidemark-maintenance-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function load(text: string) {
  const file = join(dir, `w-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, text);
  return loadProvisionedWindows(file, 7);
}

describe('MAINTENANCE_FILE', () => {
  it('loads the demo file (provisioning/scorer/maintenance.yaml) into the default org', async () => {
    const windows = await loadProvisionedWindows(
      join(__dirname, '../../provisioning/scorer/maintenance.yaml'),
      1,
    );
    expect(windows.map((w) => [w.orgId, w.window.id, w.window.schedule.type])).toEqual([
      [1, 'weekly-patching', 'weekly'],
      [1, 'monthly-db-maintenance', 'cron'],
    ]);
  });

  it('gives windows without orgId the default org, and keeps an orgId', async () => {
    const windows = await load(`windows:
  - { id: a, schedule: { type: once, from: 0, to: 1 } }
  - { id: a, orgId: 2, schedule: { type: once, from: 0, to: 1 } }`);
    expect(windows.map((w) => w.orgId)).toEqual([7, 2]);
  });

  it.each([
    [
      'windows: [{ id: a, schedule: { type: weekly, days: [sun], start: "2am", end: "03:00" } }]',
      'windows[0].schedule.start',
    ],
    [
      'windows: [{ id: a, schedule: { type: cron, cron: "0 3 * *", duration: 1h } }]',
      'windows[0].schedule.cron',
    ],
    [
      'windows: [{ id: a, schedule: { type: once, from: 0, to: 1 } }, { id: a, schedule: { type: once, from: 0, to: 1 } }]',
      'appears twice',
    ],
    ['windows: [{ id: a, when: always, schedule: { type: once, from: 0, to: 1 } }]', 'windows[0]'],
    ['windows: [', 'not valid YAML'],
  ])('refuses %s, saying %s', async (text, what) => {
    const loading = load(text);
    await expect(loading).rejects.toThrow(ProvisioningError);
    await expect(loading).rejects.toThrow(what);
  });
});
