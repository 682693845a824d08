import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { TEST_IDS } from '../../../constants/tests';
import { SchemaSelect } from './SchemaSelect';

const TEST_ID = TEST_IDS.queryEditor.database;

function renderSelect(value: string) {
  const onChange = jest.fn();
  render(
    <SchemaSelect
      testId={TEST_ID}
      width={24}
      placeholder="Choose"
      value={value}
      options={[
        { label: 'telegraf', value: 'telegraf' },
        { label: 'metrics', value: 'metrics' },
      ]}
      onChange={onChange}
    />,
  );
  const input = screen.getByTestId(TEST_ID).querySelector('input') as HTMLInputElement;
  return { onChange, input };
}

describe('SchemaSelect', () => {
  it('shows the placeholder when no name is chosen', () => {
    renderSelect('');
    expect(screen.getByText('Choose')).toBeInTheDocument();
  });

  it('shows the chosen name', () => {
    renderSelect('telegraf');
    expect(screen.getByText('telegraf')).toBeInTheDocument();
    expect(screen.queryByText('Choose')).not.toBeInTheDocument();
  });

  it('reports the chosen option as its name', async () => {
    const { onChange, input } = renderSelect('');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.click(await screen.findByText('metrics'));
    expect(onChange).toHaveBeenLastCalledWith('metrics');
  });

  it('takes a name that is not in the list', async () => {
    const { onChange, input } = renderSelect('');
    fireEvent.change(input, { target: { value: 'other_db' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onChange).toHaveBeenLastCalledWith('other_db');
  });
});
