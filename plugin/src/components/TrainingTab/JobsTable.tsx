import { Button, useStyles2 } from '@grafana/ui';
import type { Job } from '@tidemark/core';
import React from 'react';
import { TEST_IDS } from '../../constants/tests';
import { JobProgress } from '../JobProgress/JobProgress';
import type { TabProps } from '../ModelsPage/context';
import { formatTime, StatusBadge } from '../ModelsPage/format';
import { isActiveJob } from '../ModelsPage/useScorerState';
import { getSharedStyles } from '../shared.styles';

type Props = Pick<TabProps, 'datasource' | 'permissions' | 'action'> & { jobs: Job[] };

/** Training jobs, newest first, with a live progress bar (epoch, loss, ETA when the detector reports them) and cancel. */
export function JobsTable({ jobs, datasource, permissions, action }: Props) {
  const styles = useStyles2(getSharedStyles);
  if (jobs.length === 0) return null;
  return (
    <section>
      <h3>Training jobs</h3>
      <table className={styles.table} data-testid={TEST_IDS.app.jobs}>
        <thead>
          <tr>
            <th>Query</th>
            <th>Detector</th>
            <th>Status</th>
            <th>Started</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => {
            const { query } = job.request;
            const what = `${query.measurement} ${query.field}`;
            return (
              <tr key={job.id}>
                <td>{what}</td>
                <td>{job.request.detector?.id ?? 'ensemble'}</td>
                <td>
                  {isActiveJob(job) ? (
                    <JobProgress progress={job.progress} label={`Training ${what}`} fit={job.fit} />
                  ) : (
                    <StatusBadge status={job.status} />
                  )}
                  {job.message && <div className={styles.muted}>{job.message}</div>}
                </td>
                <td>{formatTime(job.startedAt ?? job.createdAt)}</td>
                <td>
                  {permissions.canEdit && isActiveJob(job) && !job.cancelRequested && (
                    <Button
                      size="sm"
                      variant="secondary"
                      icon="times"
                      disabled={action.busy !== null}
                      onClick={() =>
                        action.run(`Cancelling ${what}`, () => datasource.client.cancelJob(job.id))
                      }
                    >
                      Cancel
                    </Button>
                  )}
                  {job.cancelRequested && isActiveJob(job) && (
                    <span className={styles.muted}>cancelling…</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
