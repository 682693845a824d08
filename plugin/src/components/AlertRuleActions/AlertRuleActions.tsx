import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import {
  Alert,
  Button,
  InlineField,
  InlineFieldRow,
  Input,
  Select,
  Stack,
  TextLink,
  useStyles2,
} from '@grafana/ui';
import type { ContinuousDetector } from '@tidemark/core';
import React, { useMemo, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { TEST_IDS } from '../../constants/tests';
import { toScorerError } from '../../datasource/api';
import type { TabProps } from '../ModelsPage/context';
import { getSharedStyles } from '../shared.styles';

/** Grafana's documented alerting provisioning API: creates one rule, 201 with the stored rule. */
export const GRAFANA_ALERT_RULES_API = '/api/v1/provisioning/alert-rules';

interface Props extends Pick<TabProps, 'datasource'> {
  detector: ContinuousDetector;
  /** Creating a rule in Grafana needs Grafana's own alerting write permission (Editors by default). */
  canCreate: boolean;
}

/**
 * A detector's alert rule (firing on the flag it writes back): downloaded as a provisioning file,
 * or created in Grafana through its alerting provisioning API (`X-Disable-Provenance` keeps the
 * rule editable in Grafana's UI).
 */
export function AlertRuleActions({ datasource, detector, canCreate }: Props) {
  const styles = useStyles2(getSharedStyles);
  const influxSources = useMemo(() => getDataSourceSrv().getList({ type: 'influxdb' }), []);
  const [influxUid, setInfluxUid] = useState(influxSources[0]?.uid ?? 'tidemark-influxdb');
  const [folder, setFolder] = useState('Tidemark');
  const [outcome, setOutcome] = useState<{ created?: string; error?: string }>({});
  const params = { datasourceUid: influxUid, folder };

  const download = async () => {
    try {
      const yaml = await datasource.client.alertRule(detector.id, { ...params, format: 'yaml' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
      link.download = `tidemark-${detector.id}.yaml`;
      link.click();
      URL.revokeObjectURL(link.href);
      setOutcome({});
    } catch (error) {
      setOutcome({ error: (error as Error).message });
    }
  };

  const create = async () => {
    try {
      const rule = await datasource.client.alertRule(detector.id, { ...params, format: 'json' });
      const response = await lastValueFrom(
        getBackendSrv().fetch<{ uid?: string }>({
          url: GRAFANA_ALERT_RULES_API,
          method: 'POST',
          data: rule,
          headers: { 'Content-Type': 'application/json', 'X-Disable-Provenance': 'true' },
          showErrorAlert: false,
        }),
      ).catch((error: unknown) => {
        throw toScorerError(error, `Grafana's POST ${GRAFANA_ALERT_RULES_API}`);
      });
      setOutcome({ created: response.data.uid ?? String(rule.uid) });
    } catch (error) {
      setOutcome({ error: (error as Error).message });
    }
  };

  return (
    <div className={styles.form} data-testid={TEST_IDS.app.alertRule}>
      <h4>Alert rule for {detector.name ?? detector.id}</h4>
      <p className={styles.muted}>
        Fires per series when the detector flags a point (its own threshold), outside maintenance windows.
      </p>
      <InlineFieldRow>
        <InlineField label="InfluxDB data source" labelWidth={22}>
          <Select
            width={28}
            options={[
              ...influxSources.map((s) => ({ label: s.name, value: s.uid })),
              ...(influxSources.some((s) => s.uid === influxUid)
                ? []
                : [{ label: influxUid, value: influxUid }]),
            ]}
            value={influxUid}
            onChange={(option) => option.value && setInfluxUid(option.value)}
          />
        </InlineField>
        <InlineField label="Folder" labelWidth={10} tooltip="Folder title in the file; folder uid in Grafana">
          <Input width={20} value={folder} onChange={(e) => setFolder(e.currentTarget.value)} />
        </InlineField>
      </InlineFieldRow>
      <Stack gap={1}>
        <Button
          variant="secondary"
          icon="download-alt"
          onClick={download}
          data-testid={TEST_IDS.app.alertRuleDownload}
        >
          Download provisioning file
        </Button>
        {canCreate && (
          <Button icon="bell" onClick={create} data-testid={TEST_IDS.app.alertRuleCreate}>
            Create alert rule in Grafana
          </Button>
        )}
      </Stack>
      {outcome.created && (
        <Alert severity="success" title="Alert rule created">
          <span data-testid={TEST_IDS.app.alertRuleResult}>
            <TextLink href={`/alerting/grafana/${outcome.created}/view`}>{outcome.created}</TextLink>
          </span>
        </Alert>
      )}
      {outcome.error && (
        <Alert severity="error" title="No alert rule">
          {outcome.error}
        </Alert>
      )}
    </div>
  );
}
