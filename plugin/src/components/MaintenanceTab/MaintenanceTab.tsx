import {
  Button,
  ConfirmButton,
  InlineField,
  InlineFieldRow,
  InlineSwitch,
  Input,
  MultiSelect,
  RadioButtonGroup,
  Select,
  Stack,
  useStyles2,
} from '@grafana/ui';
import { type MaintenanceWindow, WEEKDAYS } from '@tidemark/core';
import React, { useEffect, useState } from 'react';
import { TEST_IDS } from '../../constants/tests';
import type { TabProps } from '../ModelsPage/context';
import { StatusBadge } from '../ModelsPage/format';
import { getSharedStyles } from '../shared.styles';
import { describeWindow, NEW_WINDOW, type WindowDraft, windowOf } from './schedule';

const TYPES = [
  { label: 'Once', value: 'once' as const },
  { label: 'Weekly', value: 'weekly' as const },
  { label: 'Cron', value: 'cron' as const },
];

/** Maintenance windows: never learned from, never flagged. Editors plan and switch them, Admins delete. */
export function MaintenanceTab({ datasource, permissions, state, action }: TabProps) {
  const styles = useStyles2(getSharedStyles);
  const [windows, setWindows] = useState<MaintenanceWindow[]>();
  const [error, setError] = useState<string>();
  const [draft, setDraft] = useState<WindowDraft | null>(null);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` reloads after a change
  useEffect(() => {
    datasource.client.maintenanceWindows().then(setWindows, (failure: Error) => setError(failure.message));
  }, [datasource, tick]);
  const change = (what: string, call: () => Promise<unknown>) =>
    action.run(what, call).then((ok) => {
      setTick((t) => t + 1);
      return ok;
    });
  const update = (patch: Partial<WindowDraft>) =>
    setDraft((previous) => previous && { ...previous, ...patch });

  const save = async () => {
    if (!draft) return;
    if (
      await change(`Creating ${draft.id}`, async () =>
        datasource.client.saveMaintenanceWindow(windowOf(draft), false),
      )
    )
      setDraft(null);
  };
  const setEnabled = (window: MaintenanceWindow) => {
    const { provisioned: _provisioned, ...definition } = window;
    return change(`${window.enabled ? 'Switching off' : 'Switching on'} ${window.id}`, () =>
      datasource.client.saveMaintenanceWindow({ ...definition, enabled: !window.enabled }, true),
    );
  };

  return (
    <section data-testid={TEST_IDS.app.maintenance}>
      {permissions.canEdit && !draft && (
        <div className={styles.toolbar}>
          <Button icon="plus" onClick={() => setDraft(NEW_WINDOW)} data-testid={TEST_IDS.app.maintenanceNew}>
            New maintenance window
          </Button>
        </div>
      )}
      {draft && (
        <div className={styles.form} data-testid={TEST_IDS.app.maintenanceForm}>
          <InlineFieldRow>
            <InlineField label="Id" labelWidth={14}>
              <Input
                width={24}
                value={draft.id}
                onChange={(e) => update({ id: e.currentTarget.value })}
                data-testid={TEST_IDS.app.maintenanceId}
              />
            </InlineField>
            <InlineField label="Name" labelWidth={10}>
              <Input
                width={32}
                value={draft.name}
                onChange={(e) => update({ name: e.currentTarget.value })}
              />
            </InlineField>
          </InlineFieldRow>
          <InlineFieldRow>
            <InlineField label="Detector" labelWidth={14}>
              <Select
                width={32}
                options={[
                  { label: 'Every detector', value: '' },
                  ...state.detectors.map((d) => ({ label: d.name ?? d.id, value: d.id })),
                ]}
                value={draft.detector}
                onChange={(option) => update({ detector: option.value ?? '' })}
              />
            </InlineField>
            <InlineField
              label="Series"
              labelWidth={10}
              tooltip="Tag filters, e.g. host=db-1, dc!=eu; empty: every series"
            >
              <Input
                width={32}
                value={draft.series}
                placeholder="host=db-1"
                onChange={(e) => update({ series: e.currentTarget.value })}
              />
            </InlineField>
          </InlineFieldRow>
          <InlineFieldRow>
            <InlineField label="When" labelWidth={14}>
              <RadioButtonGroup options={TYPES} value={draft.type} onChange={(type) => update({ type })} />
            </InlineField>
          </InlineFieldRow>
          {draft.type === 'once' && (
            <InlineFieldRow>
              <InlineField label="From" labelWidth={14}>
                <Input
                  type="datetime-local"
                  value={draft.from}
                  onChange={(e) => update({ from: e.currentTarget.value })}
                />
              </InlineField>
              <InlineField label="To" labelWidth={6}>
                <Input
                  type="datetime-local"
                  value={draft.to}
                  onChange={(e) => update({ to: e.currentTarget.value })}
                />
              </InlineField>
            </InlineFieldRow>
          )}
          {draft.type === 'weekly' && (
            <InlineFieldRow>
              <InlineField label="Days" labelWidth={14}>
                <MultiSelect
                  width={36}
                  options={WEEKDAYS.map((day) => ({ label: day, value: day }))}
                  value={draft.days}
                  onChange={(options) => update({ days: options.map((o) => o.value!) })}
                />
              </InlineField>
              <InlineField label="From" labelWidth={6}>
                <Input
                  width={8}
                  value={draft.start}
                  onChange={(e) => update({ start: e.currentTarget.value })}
                />
              </InlineField>
              <InlineField label="to" labelWidth={4}>
                <Input width={8} value={draft.end} onChange={(e) => update({ end: e.currentTarget.value })} />
              </InlineField>
            </InlineFieldRow>
          )}
          {draft.type === 'cron' && (
            <InlineFieldRow>
              <InlineField label="Cron" labelWidth={14} tooltip="minute hour day-of-month month day-of-week">
                <Input
                  width={20}
                  value={draft.cron}
                  onChange={(e) => update({ cron: e.currentTarget.value })}
                />
              </InlineField>
              <InlineField label="for" labelWidth={6}>
                <Input
                  width={8}
                  value={draft.duration}
                  onChange={(e) => update({ duration: e.currentTarget.value })}
                />
              </InlineField>
            </InlineFieldRow>
          )}
          {draft.type !== 'once' && (
            <InlineFieldRow>
              <InlineField label="Time zone" labelWidth={14}>
                <Input
                  width={24}
                  value={draft.timezone}
                  onChange={(e) => update({ timezone: e.currentTarget.value })}
                />
              </InlineField>
            </InlineFieldRow>
          )}
          <Stack gap={1}>
            <Button
              icon="save"
              onClick={save}
              disabled={action.busy !== null}
              data-testid={TEST_IDS.app.maintenanceSave}
            >
              Create
            </Button>
            <Button variant="secondary" fill="text" onClick={() => setDraft(null)}>
              Cancel
            </Button>
          </Stack>
        </div>
      )}
      {error && <p className={styles.muted}>{error}</p>}
      {windows && windows.length === 0 && <p className={styles.muted}>No maintenance windows.</p>}
      {windows && windows.length > 0 && (
        <table className={styles.table} data-testid={TEST_IDS.app.maintenanceWindows}>
          <thead>
            <tr>
              <th>Window</th>
              <th>Covers</th>
              <th>When</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {windows.map((window) => {
              const { scope, when } = describeWindow(window);
              return (
                <tr key={window.id} data-testid={TEST_IDS.app.maintenanceRow}>
                  <td>
                    {window.name ?? window.id}
                    {window.provisioned && <span className={styles.muted}> (provisioned)</span>}
                  </td>
                  <td>{scope}</td>
                  <td>{when}</td>
                  <td>
                    <StatusBadge status={window.enabled ? 'active' : 'disabled'} />
                  </td>
                  <td>
                    <div className={styles.actions}>
                      {permissions.canEdit && !window.provisioned && (
                        <InlineSwitch
                          label={window.enabled ? 'On' : 'Off'}
                          showLabel
                          value={window.enabled}
                          disabled={action.busy !== null}
                          onChange={() => setEnabled(window)}
                        />
                      )}
                      {permissions.canDelete && !window.provisioned && (
                        <ConfirmButton
                          confirmText="Delete"
                          confirmVariant="destructive"
                          onConfirm={() =>
                            change(`Deleting ${window.id}`, () =>
                              datasource.client.deleteMaintenanceWindow(window.id),
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
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
