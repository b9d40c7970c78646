import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { Attention } from './Attention';
import { DecisionQueue } from './DecisionQueue';
import { HeldCards } from './HeldCards';
import { JobList } from './JobList';
import { LogFilters } from './LogFilters';
import { LogTable } from './LogTable';

export function SupervisorScreen() {
  const s = useStores();
  // The administrator reads the log but does not decide on cards (separation of duties).
  const decides = useStore(s.session, (x) => x.info?.user?.role === 'supervisor');
  useEffect(() => {
    if (decides) void s.decisions.getState().load();
    void s.log.getState().query(s.log.getState().filter);
    void s.devices.getState().load();
    void s.batches.getState().load();
  }, [s, decides]);
  return (
    <div className="supervisor" data-testid="supervisor-screen">
      {decides && <Attention />}
      {decides && <JobList />}
      {decides && <DecisionQueue />}
      {decides && <HeldCards />}
      <LogFilters />
      <LogTable />
    </div>
  );
}
