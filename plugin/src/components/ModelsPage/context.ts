import type { DataSource } from '../../datasource/datasource';
import type { Permissions } from '../../roles';
import type { Action } from './useAction';
import type { ScorerState } from './useScorerState';

/** What every tab of the app page gets: the chosen data source, the user's permissions, the loaded state. */
export interface TabProps {
  datasource: DataSource;
  permissions: Permissions;
  state: ScorerState;
  action: Action;
}
