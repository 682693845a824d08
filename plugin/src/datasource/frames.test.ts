import { FieldType } from '@grafana/data';
import { scoredSeries, scoreResponse } from '../test/scoreResponse';
import { framesFromResponse, seriesTitle } from './frames';

describe('framesFromResponse', () => {
  const [frame] = framesFromResponse(scoreResponse(), 'A');
  const field = (name: string) => frame!.fields.find((f) => f.name === name)!;

  it('names frames and display names per series, tags as labels', () => {
    expect(frame!.name).toBe('cpu usage_idle {host=a}');
    expect(field('value').config.displayNameFromDS).toBe('cpu usage_idle {host=a}');
    expect(field('lower').config.displayNameFromDS).toBe('cpu usage_idle {host=a} lower');
    expect(field('value').labels).toEqual({ host: 'a' });
    expect(field('time').type).toBe(FieldType.time);
    expect(field('anomaly').type).toBe(FieldType.boolean);
  });

  it('lets Grafana’s time-series panel fill the band from upper down to lower, with no line', () => {
    expect(field('upper').config.custom).toMatchObject({
      fillBelowTo: field('lower').config.displayNameFromDS,
      lineWidth: 0,
    });
    expect(field('upper').config.custom.fillOpacity).toBeLessThanOrEqual(20);
    expect(field('lower').config.custom).toMatchObject({ lineWidth: 0 });
  });

  it('puts the score on a right 0–100 axis with the threshold', () => {
    expect(field('score').config).toMatchObject({ min: 0, max: 100 });
    expect(field('score').config.custom).toMatchObject({
      axisPlacement: 'right',
      thresholdsStyle: { mode: 'dashed' },
    });
    expect(field('score').config.thresholds?.steps[1]?.value).toBe(70);
  });

  it('keeps gaps as nulls and carries detector, threshold and regions for the bands panel', () => {
    expect(field('value').values[30]).toBeNull();
    expect(frame!.meta?.custom?.tidemark).toMatchObject({ detector: 'robust', threshold: 70 });
    expect(frame!.meta?.custom?.tidemark.regions).toHaveLength(1);
  });

  it('returns one frame per series and response notices only once', () => {
    const notice = { severity: 'warning' as const, text: 'training window clipped' };
    const frames = framesFromResponse(
      scoreResponse([scoredSeries(), scoredSeries({ tags: { host: 'b' } })], [notice]),
      'A',
    );
    expect(frames.map((f) => f.name)).toEqual(['cpu usage_idle {host=a}', 'cpu usage_idle {host=b}']);
    expect(frames[0]!.meta?.notices).toEqual([notice]);
    expect(frames[1]!.meta?.notices).toEqual([]);
  });

  it('returns an empty frame carrying the notices when no series matched', () => {
    const frames = framesFromResponse(
      scoreResponse([], [{ severity: 'info', text: 'no data in range' }]),
      'A',
    );
    expect(frames).toHaveLength(1);
    expect(frames[0]!.meta?.notices?.[0]?.text).toBe('no data in range');
  });

  it.each([
    [{ name: 'load', tags: {} }, 'load'],
    [{ name: 'cpu usage_idle', tags: { host: 'a', dc: 'x' } }, 'cpu usage_idle {host=a, dc=x}'],
    // The scorer's own naming already carries the tags.
    [{ name: 'cpu usage_idle {host=a}', tags: { host: 'a' } }, 'cpu usage_idle {host=a}'],
  ])('titles %j as %s', (series, title) => {
    expect(seriesTitle(series)).toBe(title);
  });
});
