import { EXACT_SUM_LIMIT, ExactSum } from './exact-sum';
import { seededRandom } from './test-support';

/** 2^-SCALE is below the smallest unit of any value these tests draw (|x| ≥ 2^-100, 53 bits). */
const SCALE = 160n;

/** The double as an exact integer multiple of 2^-SCALE. */
function scaled(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponent === 0 && fraction === 0n) return 0n;
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const shift = BigInt(Math.max(exponent, 1) - 1075) + SCALE;
  if (shift < 0n) throw new Error(`test value ${value} is below the reference's resolution`);
  const magnitude = mantissa << shift;
  return negative ? -magnitude : magnitude;
}

/** The exact sum, rounded once to the nearest double (BigInt → Number rounds half to even). */
function referenceSum(values: number[]): number {
  const exact = values.reduce((sum, v) => sum + scaled(v), 0n);
  return Number(exact) * 2 ** -Number(SCALE);
}

function drawValue(random: () => number): number {
  const sign = random() < 0.5 ? -1 : 1;
  return sign * (1 + random()) * 2 ** Math.floor(random() * 160 - 80);
}

describe('ExactSum', () => {
  it('keeps what plain addition loses to cancellation', () => {
    const sum = new ExactSum();
    for (const v of [1e16, 1, -1e16]) sum.add(v);
    expect(1e16 + 1 - 1e16).toBe(0);
    expect(sum.total()).toBe(1);
  });

  it('rounds the exact sum correctly, where adding in order does not', () => {
    const tenths = new ExactSum();
    for (let k = 0; k < 10; k++) tenths.add(0.1);
    expect(tenths.total()).toBe(1);
    // 1 + 2^-53 is exactly halfway between 1 and its successor; the extra 2^-106 tips it up.
    const halfway = new ExactSum();
    for (const v of [1, 2 ** -53, 2 ** -106]) halfway.add(v);
    expect(halfway.total()).toBe(1 + 2 ** -52);
    expect(1 + 2 ** -53 + 2 ** -106).toBe(1);
  });

  it.each([1, 2, 3, 4])('matches a BigInt reference through adds and subtracts (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const sum = new ExactSum();
    const held: number[] = [];
    for (let step = 0; step < 3000; step++) {
      if (held.length > 0 && random() < 0.45) {
        const [removed] = held.splice(Math.floor(random() * held.length), 1);
        sum.subtract(removed!);
      } else {
        const value = drawValue(random);
        held.push(value);
        sum.add(value);
      }
      if (step % 50 === 0) expect(sum.total()).toBe(referenceSum(held));
    }
    expect(sum.total()).toBe(referenceSum(held));
  });

  it('gives the same total for the same values whatever the order and history', () => {
    const random = seededRandom(9);
    const values = Array.from({ length: 500 }, () => drawValue(random));
    const sorted = new ExactSum();
    for (const v of [...values].sort((a, b) => a - b)) sorted.add(v);
    const churned = new ExactSum();
    const extras = Array.from({ length: 300 }, () => drawValue(random));
    for (let k = values.length - 1; k >= 0; k--) {
      churned.add(values[k]!);
      if (k < extras.length) churned.add(extras[k]!);
    }
    for (const extra of extras) churned.subtract(extra);
    expect(churned.total()).toBe(sorted.total());
    expect(new ExactSum().total()).toBe(0);
  });

  it('refuses values it could overflow on, with the limit in the message', () => {
    const sum = new ExactSum();
    expect(() => sum.add(Number.POSITIVE_INFINITY)).toThrow(/finite values up to/);
    expect(() => sum.add(Number.NaN)).toThrow(RangeError);
    expect(() => sum.add(EXACT_SUM_LIMIT * 2)).toThrow(RangeError);
    sum.add(EXACT_SUM_LIMIT);
    sum.add(EXACT_SUM_LIMIT);
    expect(sum.total()).toBe(EXACT_SUM_LIMIT * 2);
  });
});
