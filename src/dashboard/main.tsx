import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { takeApiKeyFromUrl } from './api/api-key';
import { App } from './app';
import './styles.css';

// A key handed over in the link (`#key=…`) is stored before anything asks the server.
takeApiKeyFromUrl();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
