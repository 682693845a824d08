import { AppPlugin, DataSourcePlugin, PanelPlugin } from '@grafana/data';
import { plugin as datasource } from './datasource/module';
import { plugin as app } from './module';
import { plugin as panel } from './panel/module';

describe('modules', () => {
  it('export the plugin of their type', () => {
    expect(app).toBeInstanceOf(AppPlugin);
    expect(datasource).toBeInstanceOf(DataSourcePlugin);
    expect(panel).toBeInstanceOf(PanelPlugin);
  });

  it('wire the editors and the migration handler', () => {
    expect(datasource.components.ConfigEditor).toBeDefined();
    expect(datasource.components.QueryEditor).toBeDefined();
    expect(datasource.components.VariableQueryEditor).toBeDefined();
    expect(panel.onPanelMigration).toBeDefined();
  });
});
