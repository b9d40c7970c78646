import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { BatchBar } from './BatchBar';
import { Controls } from './Controls';
import { Counters } from './Counters';
import { InFlight } from './InFlight';
import { Results } from './Results';
import { QueueList } from './QueueList';
import { Preview } from './Preview';
import { DevicePanel } from './DevicePanel';
import { ManualPrompt } from './ManualPrompt';
import { PathPanel } from './PathPanel';
import { afterFirstRows } from './first-rows';

export function OperatorScreen() {
  const s = useStores();
  const selectedId = useStore(s.batches, (x) => x.selectedId);
  const engineBatch = useStore(s.engine, (x) => x.status?.batchId ?? null);
  const engineState = useStore(s.engine, (x) => x.status?.state ?? null);
  // Until the first queue rows are painted only the shell, the controls and the queue render.
  const [rest, setRest] = useState(false);

  useEffect(() => {
    if (!s.batches.getState().loaded) void s.batches.getState().load();
    void s.engine.getState().load();
    return afterFirstRows(() => {
      setRest(true);
      void s.batches.getState().load(); // refresh what the boot prefetch brought
      void s.devices.getState().load();
    });
  }, [s]);

  // While the engine works on a batch, that is the batch the operator looks at.
  useEffect(() => {
    const busy = engineState === 'running' || engineState === 'paused' || engineState === 'pausing';
    if (engineBatch && (busy || !s.batches.getState().selectedId)) s.batches.getState().select(engineBatch);
  }, [engineBatch, engineState, s]);

  useEffect(() => {
    s.queue.getState().setScope({ batchId: selectedId, states: s.queue.getState().batchId === selectedId ? s.queue.getState().states : null });
    return afterFirstRows(() => {
      void s.activity.getState().load(selectedId);
      void s.counts.getState().load(selectedId);
    });
  }, [selectedId, s]);

  useEffect(() => {
    performance.mark('station:operator-painted');
  }, []);

  return (
    <div className="operator" data-testid="operator-screen">
      <BatchBar />
      <div className="operator-grid">
        <div className="operator-main">
          <PathPanel />
          <ManualPrompt />
          <Controls batchId={selectedId} />
          {rest && <Counters />}
          {rest && (
            <div className="two-col">
              <InFlight />
              <Results />
            </div>
          )}
          <QueueList batchId={selectedId} />
        </div>
        <aside className="operator-side">
          {rest && <Preview />}
          {rest && <DevicePanel />}
        </aside>
      </div>
    </div>
  );
}
