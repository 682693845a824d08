import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { InlineField, Input, RadioButtonGroup, SecretInput, Stack, Text } from '@grafana/ui';
import React, { type ChangeEvent } from 'react';
import { TEST_IDS } from '../../../constants/tests';
import type { InfluxVersion, TidemarkOptions, TidemarkSecureOptions } from '../../types';

type Props = DataSourcePluginOptionsEditorProps<TidemarkOptions, TidemarkSecureOptions>;

const LABEL_WIDTH = 16;

const VERSIONS: Array<{ label: string; value: InfluxVersion }> = [
  { label: '1.x', value: '1.x' },
  { label: '2.x', value: '2.x' },
  { label: '3.x', value: '3.x' },
];

/** How each version's data reaches the scorer's InfluxQL, in one line (docs/operations.md has the setup). */
function versionHelp(version: InfluxVersion, org: string): string {
  if (version === '2.x') {
    return `Buckets${org ? ` of org ${org}` : ''} are read through InfluxDB 2.x's v1 compatibility API: map each bucket to a database (influx v1 dbrp create --bucket-id … --db … --rp … --default), and pick that database as the query's bucket. The scorer holds the InfluxDB API token (INFLUX_VERSION=2, INFLUX_TOKEN), never Grafana.`;
  }
  if (version === '3.x') {
    return "A query's database is the InfluxDB 3 database (bucket) name, read through its v1 query API. The scorer holds the database token (INFLUX_VERSION=3, INFLUX_TOKEN), never Grafana.";
  }
  return 'The scorer reads InfluxDB 1.x databases with its own credentials (INFLUX_USERNAME, INFLUX_PASSWORD), never Grafana.';
}

/** Scorer URL (jsonData) and token (secureJsonData: write-only, Grafana's proxy adds it as a bearer token). */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const onUrlChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, jsonData: { ...options.jsonData, scorerUrl: event.target.value.trim() } });
  const onTokenChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...options.secureJsonData, token: event.target.value } });
  const onTokenReset = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...options.secureJsonFields, token: false },
      secureJsonData: { ...options.secureJsonData, token: '' },
    });
  const secure = (options.secureJsonData ?? {}) as TidemarkSecureOptions;
  const setJson = (patch: Partial<TidemarkOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...options.jsonData, ...patch } });
  const version = options.jsonData.influxVersion ?? '1.x';

  return (
    <Stack direction="column" gap={1}>
      <InlineField
        label="Scorer URL"
        labelWidth={LABEL_WIDTH}
        interactive
        tooltip="Where Grafana's server reaches the Tidemark scorer, e.g. http://scorer:8080. The browser never calls it directly."
        required
        invalid={
          Boolean(options.jsonData.scorerUrl) && !/^https?:\/\/\S+$/.test(options.jsonData.scorerUrl ?? '')
        }
        error="Use an http:// or https:// URL"
      >
        <Input
          data-testid={TEST_IDS.configEditor.scorerUrl}
          width={48}
          placeholder="http://localhost:8080"
          value={options.jsonData.scorerUrl ?? ''}
          onChange={onUrlChange}
        />
      </InlineField>
      <InlineField
        label="Token"
        labelWidth={LABEL_WIDTH}
        interactive
        tooltip="One of the scorer's API tokens. Stored encrypted; Grafana's proxy sends it as Authorization: Bearer."
        required
      >
        <SecretInput
          data-testid={TEST_IDS.configEditor.token}
          width={48}
          placeholder="Scorer API token"
          isConfigured={Boolean(options.secureJsonFields?.token)}
          value={secure.token ?? ''}
          onChange={onTokenChange}
          onReset={onTokenReset}
        />
      </InlineField>
      <InlineField
        label="InfluxDB"
        labelWidth={LABEL_WIDTH}
        tooltip="The version of the InfluxDB the scorer reads (its INFLUX_VERSION): names buckets and databases in the editors"
      >
        <RadioButtonGroup
          data-testid={TEST_IDS.configEditor.influxVersion}
          options={VERSIONS}
          value={version}
          onChange={(influxVersion) => setJson({ influxVersion })}
        />
      </InlineField>
      {version === '2.x' && (
        <InlineField
          label="Organization"
          labelWidth={LABEL_WIDTH}
          tooltip="The InfluxDB 2.x org whose buckets are mapped; the scorer's token decides what it reads"
        >
          <Input
            data-testid={TEST_IDS.configEditor.influxOrg}
            width={48}
            placeholder="my-org"
            value={options.jsonData.influxOrg ?? ''}
            onChange={(event: ChangeEvent<HTMLInputElement>) =>
              setJson({ influxOrg: event.target.value.trim() })
            }
          />
        </InlineField>
      )}
      <div data-testid={TEST_IDS.configEditor.influxHelp}>
        <Text color="secondary" element="p">
          {versionHelp(version, options.jsonData.influxOrg ?? '')}
        </Text>
      </div>
    </Stack>
  );
}
