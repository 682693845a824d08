import { Button, useStyles2 } from '@grafana/ui';
import type { Mark } from '@tidemark/core';
import React, { useEffect, useState } from 'react';
import { TEST_IDS } from '../../constants/tests';
import { MARK_TITLES } from '../../datasource/annotations';
import type { TabProps } from '../ModelsPage/context';
import { formatTime } from '../ModelsPage/format';
import { getSharedStyles } from '../shared.styles';

/** The org's marks (made from the bands panel's tooltip); Editors remove them. */
export function MarksTab({ datasource, permissions, action }: TabProps) {
  const styles = useStyles2(getSharedStyles);
  const [marks, setMarks] = useState<Mark[]>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` reloads after a removal
  useEffect(() => {
    datasource.client.marks().then(setMarks, (failure: Error) => setError(failure.message));
  }, [datasource, tick]);

  if (error) return <p className={styles.muted}>{error}</p>;
  if (!marks) return null;
  if (marks.length === 0) {
    return (
      <p className={styles.muted}>
        No marks yet. In a bands panel, click a point to pin its tooltip, then mark a flagged region “not an
        anomaly” or an unflagged stretch “missed”.
      </p>
    );
  }
  return (
    <table className={styles.table} data-testid={TEST_IDS.app.marks}>
      <thead>
        <tr>
          <th>Mark</th>
          <th>Detector</th>
          <th>Series</th>
          <th>From – to</th>
          <th>Note</th>
          <th>By</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {marks.map((mark) => (
          <tr key={mark.id} data-testid={TEST_IDS.app.markRow}>
            <td>{MARK_TITLES[mark.kind]}</td>
            <td>{mark.detector}</td>
            <td>{mark.series}</td>
            <td>
              {formatTime(mark.from)} – {formatTime(mark.to)}
            </td>
            <td>{mark.note ?? ''}</td>
            <td>{mark.createdBy ?? '–'}</td>
            <td>
              {permissions.canEdit && (
                <Button
                  size="sm"
                  variant="secondary"
                  icon="trash-alt"
                  fill="text"
                  onClick={() =>
                    action
                      .run('Removing the mark', () => datasource.client.deleteMark(mark.id))
                      .then(() => setTick((t) => t + 1))
                  }
                >
                  Remove
                </Button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
