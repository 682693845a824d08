import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor/ConfigEditor';
import { QueryEditor } from './components/QueryEditor/QueryEditor';
import { VariableQueryEditor } from './components/VariableQueryEditor/VariableQueryEditor';
import { DataSource } from './datasource';
import type { TidemarkOptions, TidemarkQuery, TidemarkSecureOptions } from './types';

export const plugin = new DataSourcePlugin<DataSource, TidemarkQuery, TidemarkOptions, TidemarkSecureOptions>(
  DataSource,
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor)
  .setVariableQueryEditor(VariableQueryEditor);
