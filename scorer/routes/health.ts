import { Hono } from 'hono';
import type { AppDeps } from '../deps';
import { problemResponse } from '../http/problem';

/** `/healthz` (the process answers) and `/readyz` (InfluxDB reachable, state store writable). */
export function healthRoutes({ influx, store }: Pick<AppDeps, 'influx' | 'store'>) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok', service: 'tidemark-scorer' }))
    .get('/readyz', async (c) => {
      const [influxCheck, storeCheck] = await Promise.allSettled([
        influx.ping({ signal: AbortSignal.timeout(5_000) }),
        store.checkWritable(),
      ]);
      const problems: string[] = [];
      if (influxCheck.status === 'rejected')
        problems.push(`InfluxDB at ${influx.url} is not reachable (${influxCheck.reason}).`);
      if (storeCheck.status === 'rejected')
        problems.push(`The state store (${store.location}) is not writable (${storeCheck.reason}).`);
      if (problems.length > 0) {
        return problemResponse({
          status: 503,
          slug:
            influxCheck.status === 'rejected' || store.location === 'DATA_DIR'
              ? 'influxdb-unavailable'
              : 'redis-unavailable',
          title: 'Not ready',
          detail: `${problems.join(' ')} Check INFLUX_URL and ${store.location === 'DATA_DIR' ? 'DATA_DIR' : 'REDIS_URL'}.`,
          headers: { 'retry-after': '5' },
        });
      }
      const version = influxCheck.status === 'fulfilled' ? influxCheck.value.version : null;
      return c.json({ status: 'ready', influxdb: { url: influx.url, version }, store: 'writable' });
    });
}
