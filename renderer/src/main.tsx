import { createRoot } from 'react-dom/client';
import { App } from './App';
import { StoresProvider } from './components/context';
import { pickStation } from './station/station';
import { createAppStores } from './stores/app';

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

performance.mark('station:boot');
const station = pickStation();
const stores = createAppStores(station.api, { storage: storage(), prefersDark: window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false });
// Round trips run side by side, not one after another: the session check, and the first page of
// the batch shown last (the queue is what takes longest to paint).
void stores.session.getState().load();
const lastBatch = stores.batches.getState().selectedId;
if (lastBatch) stores.queue.getState().prefetch(lastBatch);
else void stores.batches.getState().prefetch().then((id) => id && stores.queue.getState().prefetch(id));
station.onConnection((c) => {
  if (c === 'open') performance.mark('station:connected');
  const was = stores.ui.getState().connection;
  stores.ui.getState().setConnection(c);
  // Back after a loss: what we hold may be stale.
  if (c === 'open' && was !== 'open') void stores.session.getState().load();
});

createRoot(document.getElementById('root')!).render(
  <StoresProvider stores={stores}>
    <App />
  </StoresProvider>,
);
