import { PanelPlugin } from '@grafana/data';
import { BandsPanel } from './components/BandsPanel/BandsPanel';
import { migrateOptions } from './migrations';
import { buildOptions } from './options';
import type { BandsOptions } from './types';

export const plugin = new PanelPlugin<BandsOptions>(BandsPanel)
  .setMigrationHandler(migrateOptions)
  .setPanelOptions(buildOptions)
  .useFieldConfig();
