import { normalQuantile, twoSidedZ } from './normal';

describe('normalQuantile', () => {
  it.each([
    [0.5, 0],
    [0.975, 1.959963985],
    [0.025, -1.959963985],
    [0.999, 3.090232306],
    [1e-10, -6.361340902],
    [1e-100, -21.27345356],
    [1e-300, -37.0470963],
  ])('Φ⁻¹(%p) = %p', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 6);
  });

  it('is infinite at 0 and 1 and NaN outside', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(-1)).toBeNaN();
  });
});

describe('twoSidedZ', () => {
  it.each([
    [1, 0],
    [0.05, 1.959963985],
    [0.0027, 3.0],
  ])('P(|Z| ≥ z) = %p gives z = %p', (p, z) => {
    expect(twoSidedZ(p)).toBeCloseTo(z, 2);
  });
});
