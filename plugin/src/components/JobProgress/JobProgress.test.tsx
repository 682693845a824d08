import { render, screen } from '@testing-library/react';
import React from 'react';
import { TEST_IDS } from '../../constants/tests';
import { fitText, JobProgress } from './JobProgress';

const fit = { epoch: 3, epochs: 8, loss: 0.004567, etaMs: 95_000 };

describe('JobProgress', () => {
  it('shows the bar alone for a job without epochs (a one-pass detector)', () => {
    render(<JobProgress progress={0.5} fit={null} />);
    expect(screen.getByTestId(TEST_IDS.app.jobProgress)).toHaveAttribute('aria-valuenow', '50');
    expect(screen.queryByTestId(TEST_IDS.app.jobFit)).not.toBeInTheDocument();
  });

  it('shows the epoch, loss and time left under the bar', () => {
    render(<JobProgress progress={0.3} fit={fit} />);
    expect(screen.getByTestId(TEST_IDS.app.jobFit)).toHaveTextContent(
      'Epoch 3/8 · loss 0.00457 · about 2 min left',
    );
  });

  it.each([
    [{ ...fit, etaMs: 4_200 }, 'Epoch 3/8 · loss 0.00457 · about 5 s left'],
    [{ ...fit, etaMs: 3 * 3_600_000 + 5 * 60_000 }, 'Epoch 3/8 · loss 0.00457 · about 3 h 5 min left'],
    [{ ...fit, epoch: 8, etaMs: 0 }, 'Epoch 8/8 · loss 0.00457'],
  ])('words %j as %s', (progress, text) => {
    expect(fitText(progress)).toBe(text);
  });
});
