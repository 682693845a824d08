import type { AppRootProps } from '@grafana/data';
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { ModelsPage } from '../ModelsPage/ModelsPage';

/** The app has one page today: models and continuous detectors. */
function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path="*" element={<ModelsPage />} />
    </Routes>
  );
}

export default App;
