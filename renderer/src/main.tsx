// Entry point: pick the transport (desktop IPC or headless HTTP), build the stores, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createContractClient } from '../../shared/contract-client.js';
import { App } from './app.js';
import { createAppServices, ServicesContext } from './app-services.js';
import { pickTransport } from './transport/pick-transport.js';
import './styles.css';

// The transport is made before the services that react to its connection changes.
let onConnectionChange: (connected: boolean) => void = () => undefined;
const { transport, mode } = pickTransport(window, (connected) => onConnectionChange(connected));
const bridge = window.callrelay;
const pathForFile = (file: File): string | null => {
  try {
    const fromBridge = bridge?.getPathForFile?.(file);
    if (fromBridge) return fromBridge;
  } catch {
    // Not a real file (dragged text, a browser-only file): no path.
  }
  // Older Electron versions put the path on the File itself.
  const legacy = (file as File & { path?: unknown }).path;
  return typeof legacy === 'string' && legacy ? legacy : null;
};
const services = createAppServices(createContractClient(transport), mode, pathForFile);
onConnectionChange = services.connectionChanged;

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
);
