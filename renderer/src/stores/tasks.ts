import { createStore } from 'zustand/vanilla';
import type { Progress } from '../../../shared/contract/dto';

// Long tasks (imports, exports) report task.progress; finished ones linger briefly so the bar
// visibly reaches its end.
export interface TasksState {
  tasks: Progress[];
  changed(p: Progress): void;
}

export function createTasksStore(lingerMs = 1500) {
  return createStore<TasksState>()((set, get) => ({
    tasks: [],
    changed: (p) => {
      const others = get().tasks.filter((x) => x.taskId !== p.taskId);
      set({ tasks: [...others, p] });
      if (p.finished) {
        setTimeout(() => {
          set({ tasks: get().tasks.filter((x) => !(x.taskId === p.taskId && x.finished)) });
        }, lingerMs);
      }
    },
  }));
}
export type TasksStore = ReturnType<typeof createTasksStore>;
