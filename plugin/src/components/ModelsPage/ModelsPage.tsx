import type { DataSourceInstanceSettings } from '@grafana/data';
import { DataSourcePicker, getDataSourceSrv, PluginPage } from '@grafana/runtime';
import {
  Alert,
  Button,
  EmptyState,
  LoadingPlaceholder,
  Tab,
  TabContent,
  TabsBar,
  useStyles2,
} from '@grafana/ui';
import React, { useMemo, useState } from 'react';
import { DATASOURCE_PLUGIN_ID } from '../../constants/routes';
import { TEST_IDS } from '../../constants/tests';
import { DataSource } from '../../datasource/datasource';
import { currentPermissions } from '../../roles';
import { BacktestTab } from '../BacktestTab/BacktestTab';
import { DetectorsTab } from '../DetectorsTab/DetectorsTab';
import { MaintenanceTab } from '../MaintenanceTab/MaintenanceTab';
import { MarksTab } from '../MarksTab/MarksTab';
import { getSharedStyles } from '../shared.styles';
import { TrainingTab } from '../TrainingTab/TrainingTab';
import type { TabProps } from './context';
import { useAction } from './useAction';
import { useScorerState } from './useScorerState';

const TABS: Array<{ id: string; label: string; Component: (props: TabProps) => React.ReactElement | null }> =
  [
    { id: 'detectors', label: 'Continuous detectors', Component: DetectorsTab },
    { id: 'backtest', label: 'Backtest', Component: BacktestTab },
    { id: 'maintenance', label: 'Maintenance windows', Component: MaintenanceTab },
    { id: 'marks', label: 'Marks', Component: MarksTab },
    { id: 'training', label: 'Models and training', Component: TrainingTab },
  ];

/**
 * The app page: models, training and continuous detectors of the org, through a Tidemark data
 * source's proxy routes. Viewers read; Editors act; Admins also delete.
 */
export function ModelsPage() {
  const styles = useStyles2(getSharedStyles);
  const [uid, setUid] = useState<string | undefined>(
    () => getDataSourceSrv().getList({ pluginId: DATASOURCE_PLUGIN_ID })[0]?.uid,
  );
  const datasource = useMemo(
    () =>
      uid
        ? new DataSource({
            uid,
            url: `/api/datasources/proxy/uid/${uid}`,
            jsonData: {},
          } as DataSourceInstanceSettings<never>)
        : undefined,
    [uid],
  );
  const state = useScorerState(datasource?.client);
  const action = useAction(state.reload);
  const permissions = useMemo(currentPermissions, []);
  const [tab, setTab] = useState(TABS[0]!.id);
  const Current = TABS.find((t) => t.id === tab)!.Component;

  return (
    <PluginPage>
      <div data-testid={TEST_IDS.app.page}>
        <div className={styles.toolbar}>
          <div data-testid={TEST_IDS.app.datasourcePicker}>
            <DataSourcePicker
              pluginId={DATASOURCE_PLUGIN_ID}
              current={uid ?? null}
              width={32}
              noDefault
              onChange={(settings: DataSourceInstanceSettings) => setUid(settings.uid)}
            />
          </div>
          <Button variant="secondary" icon="sync" onClick={state.reload} disabled={!datasource}>
            Refresh
          </Button>
          <span className={styles.muted} data-testid={TEST_IDS.app.role}>
            Signed in as {permissions.role}
            {!permissions.canEdit && ': read only'}
          </span>
        </div>
        {!datasource && (
          <EmptyState variant="call-to-action" message="Add a Tidemark Anomaly data source first">
            Models and continuous detectors live in the scorer; this page reads them through a data source.
          </EmptyState>
        )}
        {state.error && (
          <Alert severity="error" title="Could not read from the scorer">
            {state.error}
          </Alert>
        )}
        {action.error && (
          <Alert severity="error" title="The scorer refused" onRemove={action.clearError}>
            <span data-testid={TEST_IDS.app.actionError}>{action.error}</span>
          </Alert>
        )}
        {datasource && state.loading && state.models.length === 0 && <LoadingPlaceholder text="Loading…" />}
        {datasource && (
          <>
            <TabsBar>
              {TABS.map((t) => (
                <Tab key={t.id} label={t.label} active={t.id === tab} onChangeTab={() => setTab(t.id)} />
              ))}
            </TabsBar>
            <TabContent>
              <Current datasource={datasource} permissions={permissions} state={state} action={action} />
            </TabContent>
          </>
        )}
      </div>
    </PluginPage>
  );
}
