import { jsonInParts } from './json-in-parts';

describe('jsonInParts', () => {
  it.each([
    {
      contractVersion: 1,
      series: [
        { name: 'a', time: [1, 2] },
        { name: 'b"]', value: [null, 2.5] },
      ],
      notices: [],
    },
    { series: [{ name: 'series', tags: { series: '[]' } }, 3, 'x'], contractVersion: 1 },
    { contractVersion: 1, series: [{ only: true }], notices: [{ text: '"series":[]' }] },
    { contractVersion: 1, series: [], notices: [] },
    { meta: { series: [] }, series: [{ a: 1 }, { b: 2 }] },
  ])('gives the bytes JSON.stringify gives (%#)', async (value) => {
    expect((await jsonInParts(value, 'series')).toString()).toBe(JSON.stringify(value));
  });

  it('lets the event loop run between items', async () => {
    let ticked = false;
    setImmediate(() => {
      ticked = true;
    });
    const encoded = jsonInParts({ series: [1, 2] }, 'series');
    expect(ticked).toBe(false);
    await encoded;
    expect(ticked).toBe(true);
  });
});
