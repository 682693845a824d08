import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import type { DataSource } from '../../datasource';
import { definitionOf, VariableQueryEditor } from './VariableQueryEditor';

describe('VariableQueryEditor', () => {
  it.each([
    [{ kind: 'databases' as const }, 'databases()'],
    [{ kind: 'fields' as const, database: 'telegraf', measurement: '$m' }, 'fields(telegraf, $m)'],
    [
      { kind: 'tagValues' as const, database: 'telegraf', measurement: 'cpu', key: 'host' },
      'tagValues(telegraf, cpu, host)',
    ],
  ])('summarises %j as %s', (query, definition) => {
    expect(definitionOf(query)).toBe(definition);
  });

  it('asks only for the inputs the chosen list needs, and reports each change', () => {
    const onChange = jest.fn();
    render(
      <VariableQueryEditor
        datasource={{} as DataSource}
        query={{ kind: 'tagValues', database: 'telegraf', measurement: 'cpu' }}
        onChange={onChange}
      />,
    );
    expect(screen.getByLabelText('Database')).toBeInTheDocument();
    const key = screen.getByLabelText('Tag key');
    fireEvent.change(key, { target: { value: ' host ' } });
    fireEvent.blur(key);
    expect(onChange).toHaveBeenLastCalledWith(
      { kind: 'tagValues', database: 'telegraf', measurement: 'cpu', key: 'host' },
      'tagValues(telegraf, cpu, host)',
    );
  });

  it('hides inputs a databases list does not need', () => {
    render(
      <VariableQueryEditor
        datasource={{} as DataSource}
        query={{ kind: 'databases' }}
        onChange={jest.fn()}
      />,
    );
    expect(screen.queryByLabelText('Database')).not.toBeInTheDocument();
  });
});
