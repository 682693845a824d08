import { existsSync } from 'node:fs';
import { startInfluxd } from './influxd';

describe('influxd test harness', () => {
  it('starts a server that answers /ping and queries, then stops it and deletes its data', async () => {
    const influxd = await startInfluxd();
    try {
      expect(influxd.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${influxd.url}/ping`)).status).toBe(204);
      const response = await fetch(`${influxd.url}/query`, {
        method: 'POST',
        body: new URLSearchParams({ q: 'SHOW DATABASES' }),
      });
      expect(response.status).toBe(200);
      expect(existsSync(influxd.dir)).toBe(true);
    } finally {
      await influxd.stop();
    }
    expect(existsSync(influxd.dir)).toBe(false);
    await expect(fetch(`${influxd.url}/ping`)).rejects.toThrow();
    await influxd.stop(); // idempotent
  });

  it('runs two servers side by side', async () => {
    const [a, b] = await Promise.all([startInfluxd(), startInfluxd()]);
    try {
      expect(a.url).not.toBe(b.url);
      expect((await fetch(`${b.url}/ping`)).status).toBe(204);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('with auth: rejects anonymous queries and accepts the admin', async () => {
    const influxd = await startInfluxd({ auth: true });
    try {
      const q = new URLSearchParams({ q: 'SHOW DATABASES' });
      expect((await fetch(`${influxd.url}/query`, { method: 'POST', body: q })).status).toBe(401);
      const { username, password } = influxd.admin!;
      const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      const response = await fetch(`${influxd.url}/query`, {
        method: 'POST',
        body: q,
        headers: { authorization },
      });
      expect(response.status).toBe(200);
    } finally {
      await influxd.stop();
    }
  });
});
