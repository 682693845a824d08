import { Button, ConfirmButton, IconButton, useStyles2 } from '@grafana/ui';
import type { ModelSummary } from '@tidemark/core';
import React, { useState } from 'react';
import { TEST_IDS } from '../../constants/tests';
import type { TabProps } from '../ModelsPage/context';
import { formatTime, StatusBadge } from '../ModelsPage/format';
import { getSharedStyles } from '../shared.styles';

type Props = Pick<TabProps, 'datasource' | 'permissions' | 'action'> & { models: ModelSummary[] };

/** Stored models; each opens onto its kept versions, which an Editor can make current again. */
export function ModelsTable({ models, datasource, permissions, action }: Props) {
  const styles = useStyles2(getSharedStyles);
  const [open, setOpen] = useState<string | null>(null);
  if (models.length === 0) {
    return (
      <section>
        <h3>Models</h3>
        <p className={styles.muted}>No stored models yet.</p>
      </section>
    );
  }
  return (
    <section>
      <h3>Models</h3>
      <table className={styles.table} data-testid={TEST_IDS.app.models}>
        <thead>
          <tr>
            <th />
            <th>Series</th>
            <th>Detector</th>
            <th>Version</th>
            <th>Status</th>
            <th>Trained</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <React.Fragment key={model.id}>
              <tr data-testid={TEST_IDS.app.modelRow}>
                <td>
                  <IconButton
                    name={open === model.id ? 'angle-down' : 'angle-right'}
                    tooltip={open === model.id ? 'Hide versions' : 'Show versions'}
                    onClick={() => setOpen(open === model.id ? null : model.id)}
                  />
                </td>
                <td>{model.series}</td>
                <td>{model.detector}</td>
                <td>
                  {model.version}
                  {model.versions.length > 1 && (
                    <span className={styles.muted}> of {model.versions.length} kept</span>
                  )}
                </td>
                <td>
                  <StatusBadge status={model.status} />
                </td>
                <td>{formatTime(model.trainedAt)}</td>
                <td>
                  {permissions.canDelete && (
                    <ConfirmButton
                      confirmText="Delete"
                      confirmVariant="destructive"
                      onConfirm={() =>
                        action.run(`Deleting ${model.series}`, () => datasource.client.deleteModel(model.id))
                      }
                    >
                      <Button size="sm" variant="destructive" icon="trash-alt" fill="text">
                        Delete
                      </Button>
                    </ConfirmButton>
                  )}
                </td>
              </tr>
              {open === model.id && (
                <tr>
                  <td />
                  <td colSpan={6}>
                    <VersionsTable
                      model={model}
                      datasource={datasource}
                      permissions={permissions}
                      action={action}
                    />
                  </td>
                </tr>
              )}
            </React.Fragment>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function VersionsTable({
  model,
  datasource,
  permissions,
  action,
}: Pick<Props, 'datasource' | 'permissions' | 'action'> & { model: ModelSummary }) {
  const styles = useStyles2(getSharedStyles);
  const versions = [...model.versions].sort((a, b) => b.version - a.version);
  return (
    <table className={styles.table} data-testid={TEST_IDS.app.versions}>
      <thead>
        <tr>
          <th>Version</th>
          <th>Trained on</th>
          <th>Points</th>
          <th>Saved</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {versions.map((version) => (
          <tr key={version.version}>
            <td>
              v{version.version}
              {version.version === model.version && <span className={styles.muted}> (current)</span>}
            </td>
            <td>
              {version.trainedFrom !== null && version.trainedTo !== null
                ? `${formatTime(version.trainedFrom)} – ${formatTime(version.trainedTo)}`
                : '–'}
            </td>
            <td>{version.trainedPoints ?? '–'}</td>
            <td>
              {formatTime(version.createdAt)}
              {version.createdBy && <span className={styles.muted}> by {version.createdBy}</span>}
            </td>
            <td>
              {permissions.canEdit && version.version !== model.version && (
                <Button
                  size="sm"
                  variant="secondary"
                  icon="history"
                  disabled={action.busy !== null}
                  onClick={() =>
                    action.run(`Rolling back to v${version.version}`, () =>
                      datasource.client.rollback(model.id, version.version),
                    )
                  }
                >
                  Roll back to v{version.version}
                </Button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
