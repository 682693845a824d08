import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { InlineField, Input, SecretInput, Stack } from '@grafana/ui';
import React, { type ChangeEvent } from 'react';
import { TEST_IDS } from '../../../constants/tests';
import type { TidemarkOptions, TidemarkSecureOptions } from '../../types';

type Props = DataSourcePluginOptionsEditorProps<TidemarkOptions, TidemarkSecureOptions>;

const LABEL_WIDTH = 16;

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
    </Stack>
  );
}
