import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import './i18n';
import './styles.css';
import { ConsoleApp } from './console/ConsoleApp';
import { PortalApp } from './portal/PortalApp';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <Routes>
        <Route path="/public/*" element={<PortalApp />} />
        <Route path="/*" element={<ConsoleApp />} />
      </Routes>
    </BrowserRouter>
  </StrictMode>,
);
