import { pickStation } from './station/station';
import { primeApi } from './station/primed';
import { pickBatch, rememberedBatch, sortBatches } from './stores/batch-pick';
import { firstPageInput } from './stores/queue-page';

// The boot entry: a few kilobytes that open the connection and ask for everything the operator
// screen's first paint needs (session, batch list, first queue page) before React is even
// downloaded. The UI (start.tsx) then makes the same calls and gets these answers.

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

performance.mark('station:boot');
const station = pickStation();
station.onConnection((c) => {
  if (c === 'open') performance.mark('station:connected');
});
const api = primeApi(station.api);
const store = storage();
// Batches and queue only for a signed-in page (an Electron window reloaded keeps its session):
// asked before sign-in they would be refused, and every refusal is a warning in the station log.
void api.prime('session.status', {}).then(
  (s) => {
    if (!s.user) return;
    const remembered = rememberedBatch(store);
    if (remembered) api.prime('queue.page', firstPageInput(remembered));
    void api.prime('batches.list', {}).then(
      (list) => {
        const id = remembered ? null : pickBatch(sortBatches([...list]), null);
        if (id) api.prime('queue.page', firstPageInput(id));
      },
      () => {},
    );
  },
  () => {},
);

// Start React only once the calls are on the wire: its start-up blocks the page for tens of
// milliseconds, and the socket's open event (which sends them) would wait behind it. The chunk
// itself is already being fetched and compiled (modulepreload). A station that does not answer
// must not keep the screen from showing that it is reconnecting: hence the time limit.
function whenOpen(limitMs: number): Promise<void> {
  if (station.connection() === 'open') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, limitMs);
    const off = station.onConnection((c) => {
      // The open handler sends the waiting calls right after telling us; we resume after it.
      if (c === 'open') done();
    });
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

void whenOpen(250)
  .then(() => {
    performance.mark('station:import');
    return import('./start');
  })
  .then(
    (m) => m.start(station, api, store),
    (e) => {
      console.error('the station screen failed to load', e);
      document.getElementById('root')!.textContent = 'The station screen failed to load. Restart the station.';
    },
  );
