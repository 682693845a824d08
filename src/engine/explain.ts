/** Formats a number for a one-line explanation: 4 significant digits, no exponent for usual sizes. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-3)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

export interface ExplainInput {
  value: number;
  expected: number;
  lower: number;
  upper: number;
  spread: number;
  detector: string;
}

/** "value 93.1 above expected 41–55.3 (6.2σ), robust" and its variants. */
export function explainPoint({ value, expected, lower, upper, spread, detector }: ExplainInput): string {
  if (Number.isNaN(expected) || Number.isNaN(lower) || Number.isNaN(upper)) {
    return `value ${formatValue(value)} is unusual for this series (${detector})`;
  }
  const range = `${formatValue(lower)}–${formatValue(upper)}`;
  const sigma = spread > 0 ? ` (${(Math.abs(value - expected) / spread).toFixed(1)}σ)` : '';
  if (value > upper) return `value ${formatValue(value)} above expected ${range}${sigma}, ${detector}`;
  if (value < lower) return `value ${formatValue(value)} below expected ${range}${sigma}, ${detector}`;
  return `value ${formatValue(value)} within ${range} but its recent pattern is unusual, ${detector}`;
}
