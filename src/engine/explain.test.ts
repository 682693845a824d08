import { type ExplainInput, explainPoint, formatValue } from './explain';

describe('formatValue', () => {
  it.each<[number, string]>([
    [93.1, '93.1'],
    [41, '41'],
    [55.29999, '55.3'],
    [1 / 3, '0.3333'],
    [-0.5, '-0.5'],
    [0, '0'],
    [12_345.6, '12350'],
    [999_999_999, '1000000000'],
    [1e9, '1.00e+9'],
    [-2.5e12, '-2.50e+12'],
    [0.001, '0.001'],
    [0.000123, '1.23e-4'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('%p → %j', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it('never writes more than 4 significant digits for everyday sizes', () => {
    for (const value of [Math.PI, 123.456789, 98_765.4321, 0.0123456]) {
      expect(
        formatValue(value).replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length,
      ).toBeLessThanOrEqual(4);
    }
  });
});

describe('explainPoint', () => {
  const base: ExplainInput = {
    value: 93.1,
    expected: 48,
    lower: 41,
    upper: 55.3,
    spread: 7.274,
    detector: 'robust',
  };

  it.each<[string, Partial<ExplainInput>, string]>([
    ['above the band', {}, 'value 93.1 above expected 41–55.3 (6.2σ), robust'],
    ['below the band', { value: 20 }, 'value 20 below expected 41–55.3 (3.8σ), robust'],
    ['inside the band', { value: 50 }, 'value 50 within 41–55.3 but its recent pattern is unusual, robust'],
    ['no spread: no σ', { spread: 0 }, 'value 93.1 above expected 41–55.3, robust'],
    [
      'no band yet',
      { lower: Number.NaN, upper: Number.NaN },
      'value 93.1 is unusual for this series (robust)',
    ],
    ['no expected value', { expected: Number.NaN }, 'value 93.1 is unusual for this series (robust)'],
    [
      'another detector',
      { detector: 'isolation-forest' },
      'value 93.1 above expected 41–55.3 (6.2σ), isolation-forest',
    ],
    [
      'exactly on the upper edge',
      { value: 55.3 },
      'value 55.3 within 41–55.3 but its recent pattern is unusual, robust',
    ],
  ])('%s', (_name, change, text) => {
    expect(explainPoint({ ...base, ...change })).toBe(text);
  });

  it('is one line', () => {
    expect(explainPoint(base)).not.toMatch(/\n/);
  });
});
