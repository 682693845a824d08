import { Button, ConfirmButton, useStyles2 } from '@grafana/ui';
import type { ContinuousDetector } from '@tidemark/core';
import React, { useState } from 'react';
import { TEST_IDS } from '../../constants/tests';
import { AlertRuleActions } from '../AlertRuleActions/AlertRuleActions';
import { DetectorForm } from '../DetectorForm/DetectorForm';
import { type DetectorDraft, draftOf, NEW_DRAFT } from '../DetectorForm/definition';
import type { TabProps } from '../ModelsPage/context';
import { formatTime, StatusBadge } from '../ModelsPage/format';
import { getSharedStyles } from '../shared.styles';

/** Continuous detectors: create, edit and pause (Editor), delete (Admin); provisioned ones are read-only. */
export function DetectorsTab({ datasource, permissions, state, action }: TabProps) {
  const styles = useStyles2(getSharedStyles);
  const [form, setForm] = useState<{ draft: DetectorDraft; editing: boolean } | null>(null);
  const [alerting, setAlerting] = useState<string | null>(null);
  const alertingDetector = state.detectors.find((d) => d.id === alerting);
  const setEnabled = (detector: ContinuousDetector, enabled: boolean) =>
    action.run(`${enabled ? 'Resuming' : 'Pausing'} ${detector.id}`, () =>
      datasource.client.setDetectorRunning(detector.id, enabled),
    );

  return (
    <section>
      {permissions.canEdit && !form && (
        <div className={styles.toolbar}>
          <Button
            icon="plus"
            onClick={() => setForm({ draft: NEW_DRAFT, editing: false })}
            data-testid={TEST_IDS.app.detectorNew}
          >
            New detector
          </Button>
        </div>
      )}
      {form && (
        <DetectorForm
          key={form.draft.id || 'new'}
          initial={form.draft}
          editing={form.editing}
          datasource={datasource}
          action={action}
          onDone={() => setForm(null)}
        />
      )}
      {state.detectors.length === 0 ? (
        <p className={styles.muted}>No continuous detectors yet.</p>
      ) : (
        <table className={styles.table} data-testid={TEST_IDS.app.detectors}>
          <thead>
            <tr>
              <th>Name</th>
              <th>Detector</th>
              <th>Every</th>
              <th>Status</th>
              <th>Scored until</th>
              <th>Last run</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {state.detectors.map((detector) => (
              <tr key={detector.id} data-testid={TEST_IDS.app.detectorRow}>
                <td>
                  {detector.name ?? detector.id}
                  {detector.provisioned && <span className={styles.muted}> (provisioned)</span>}
                </td>
                <td>{detector.detector.id}</td>
                <td>{detector.schedule ?? detector.interval}</td>
                <td>
                  <StatusBadge status={detector.status} />
                  {detector.lastError && <div className={styles.muted}>{detector.lastError}</div>}
                </td>
                <td>{formatTime(detector.scoredUntil)}</td>
                <td>{formatTime(detector.lastRunAt)}</td>
                <td>
                  <div className={styles.actions}>
                    <Button
                      size="sm"
                      variant="secondary"
                      icon="bell"
                      onClick={() => setAlerting(alerting === detector.id ? null : detector.id)}
                    >
                      Alert rule
                    </Button>
                    {permissions.canEdit && !detector.provisioned && (
                      <>
                        <Button
                          size="sm"
                          variant="secondary"
                          icon="pen"
                          onClick={() => setForm({ draft: draftOf(detector), editing: true })}
                        >
                          Edit
                        </Button>
                        <Button
                          size="sm"
                          variant="secondary"
                          icon={detector.enabled ? 'pause' : 'play'}
                          disabled={action.busy !== null}
                          onClick={() => setEnabled(detector, !detector.enabled)}
                        >
                          {detector.enabled ? 'Pause' : 'Resume'}
                        </Button>
                      </>
                    )}
                    {permissions.canDelete && !detector.provisioned && (
                      <ConfirmButton
                        confirmText="Delete"
                        confirmVariant="destructive"
                        onConfirm={() =>
                          action.run(`Deleting ${detector.id}`, () =>
                            datasource.client.deleteDetector(detector.id),
                          )
                        }
                      >
                        <Button size="sm" variant="destructive" icon="trash-alt" fill="text">
                          Delete
                        </Button>
                      </ConfirmButton>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {alertingDetector && (
        <AlertRuleActions
          datasource={datasource}
          detector={alertingDetector}
          canCreate={permissions.canEdit}
        />
      )}
    </section>
  );
}
