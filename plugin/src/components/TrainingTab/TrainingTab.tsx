import React from 'react';
import type { TabProps } from '../ModelsPage/context';
import { JobsTable } from './JobsTable';
import { ModelsTable } from './ModelsTable';
import { TrainForm } from './TrainForm';

/** Train models (Editor), follow their jobs, list versions and roll back (Editor), delete (Admin). */
export function TrainingTab({ datasource, permissions, state, action }: TabProps) {
  return (
    <>
      {permissions.canEdit && <TrainForm datasource={datasource} action={action} />}
      <JobsTable jobs={state.jobs} datasource={datasource} permissions={permissions} action={action} />
      <ModelsTable models={state.models} datasource={datasource} permissions={permissions} action={action} />
    </>
  );
}
