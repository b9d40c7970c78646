import { createRoot } from 'react-dom/client';
import { App } from './App';
import { StoresProvider } from './components/context';
import type { StationHandle } from './station/station';
import type { PrimedApi } from './station/primed';
import { createAppStores } from './stores/app';
import { afterFirstRows } from './screens/operator/first-rows';
import type { BatchMemory } from './stores/batch-pick';

// The UI proper: loaded by the boot entry (main.tsx) once the station is already being asked
// for the first screen's data, so React's download and start-up overlap those round trips.
export function start(station: StationHandle, api: PrimedApi, storage: BatchMemory | null) {
  performance.mark('station:app');
  const stores = createAppStores(api, { storage, prefersDark: window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false });
  // The session check, then for a signed-in page the first page of the batch shown last (the
  // queue is what takes longest to paint). The boot entry primed them. Nothing else before
  // someone is signed in: the station would refuse it, and log the refusal.
  void stores.session.getState().load().then(() => {
    if (!stores.session.getState().info?.user) return;
    const lastBatch = stores.batches.getState().selectedId;
    if (lastBatch) stores.queue.getState().prefetch(lastBatch);
    else void stores.batches.getState().prefetch().then((id) => id && stores.queue.getState().prefetch(id));
  });
  // Boot answers are for the first screen only; later calls must reach the station.
  afterFirstRows(() => api.release());

  stores.ui.getState().setConnection(station.connection());
  station.onConnection((c) => {
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
}
