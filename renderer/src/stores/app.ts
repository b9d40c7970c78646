import type { StationApi } from '../../../shared/contract/api';
import type { CardRow } from '../../../shared/contract/dto';
import { createActivityStore } from './activity';
import { createBatchesStore } from './batches';
import { createBatcher, throttle } from './batcher';
import { createCountsStore } from './counts';
import { createDecisionsStore } from './decisions';
import { createDevicesStore } from './devices';
import { createHoldsStore } from './holds';
import { createEngineStore } from './engine';
import { createLogStore } from './log';
import { createQueueStore } from './queue';
import { createSessionStore, type SessionStore } from './session';
import { guardSession } from '../station/session-guard';
import { createTasksStore } from './tasks';
import { createUiStore, type ThemeStorage } from './ui';

export function createAppStores(station: StationApi, env: { storage: ThemeStorage | null; prefersDark: boolean }) {
  // Every store calls through the guard: any AUTH refusal makes the session store re-ask the station.
  const api = guardSession(station, () => session.getState().load());
  const session: SessionStore = createSessionStore(api);
  return {
    api,
    session,
    engine: createEngineStore(api),
    batches: createBatchesStore(api, env.storage),
    queue: createQueueStore(api),
    activity: createActivityStore(api),
    counts: createCountsStore(api),
    devices: createDevicesStore(api),
    tasks: createTasksStore(),
    log: createLogStore(api),
    decisions: createDecisionsStore(api),
    holds: createHoldsStore(api),
    ui: createUiStore(env.storage, env.prefersDark),
  };
}
export type AppStores = ReturnType<typeof createAppStores>;

/** Routes every station event into the stores. Returns the cleanup (unsubscribes everything). */
export function connectEvents(s: AppStores, cardFlushMs = 150): () => void {
  const refreshCounts = throttle(() => void s.counts.getState().load(s.counts.getState().batchId), 1000);
  const refreshBatches = throttle(() => void s.batches.getState().load(), 3000);
  const cards = createBatcher<CardRow>(
    (rows) => {
      s.queue.getState().applyUpdates(rows);
      s.activity.getState().applyUpdates(rows);
      s.decisions.getState().applyUpdates(rows);
      s.holds.getState().applyUpdates(rows);
      refreshCounts();
    },
    cardFlushMs,
    (r) => r.id,
  );
  const offs = [
    s.api.on('session.changed', (p) => s.session.getState().changed(p)),
    s.api.on('engine.status', (p) => {
      s.engine.getState().changed(p);
      s.counts.getState().fromEngine(p);
      if (p.state === 'finished' || p.state === 'stopped') refreshBatches();
    }),
    s.api.on('card.updated', (p) => cards.push(p)),
    s.api.on('device.status', (p) => s.devices.getState().changed(p)),
    s.api.on('log.appended', (p) => s.log.getState().appended(p)),
    s.api.on('task.progress', (p) => s.tasks.getState().changed(p)),
  ];
  return () => {
    for (const off of offs) off();
    cards.dispose();
    refreshCounts.cancel();
    refreshBatches.cancel();
  };
}
