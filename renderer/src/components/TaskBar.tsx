import { useStore } from 'zustand';
import { useStores } from './context';
import { ProgressBar } from './ProgressBar';
import { formatCount } from '../format/format';
import { t } from '../i18n/t';

/** Every long task the station reports (task.progress), with its bar. */
export function TaskBar() {
  const tasks = useStore(useStores().tasks, (s) => s.tasks);
  if (!tasks.length) return null;
  return (
    <div className="taskbar" aria-live="polite">
      {tasks.map((p) => {
        const label = t('task.progress', { label: p.label, done: formatCount(p.done), total: formatCount(p.total) });
        return (
          <div key={p.taskId} className="task">
            <span>{label}</span>
            <ProgressBar done={p.done} total={p.total} label={label} />
          </div>
        );
      })}
    </div>
  );
}
