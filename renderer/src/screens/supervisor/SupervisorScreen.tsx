import { useEffect } from 'react';
import { useStores } from '../../components/context';
import { DecisionQueue } from './DecisionQueue';
import { LogFilters } from './LogFilters';
import { LogTable } from './LogTable';

export function SupervisorScreen() {
  const s = useStores();
  useEffect(() => {
    void s.decisions.getState().load();
    void s.log.getState().query(s.log.getState().filter);
  }, [s]);
  return (
    <div className="supervisor" data-testid="supervisor-screen">
      <DecisionQueue />
      <LogFilters />
      <LogTable />
    </div>
  );
}
