import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

// Background work must not take the CPU from the thread that serves the devices: on a 2-core
// station an import's worker and its seal workers are busy threads beside it, and a device-thread
// timer that fired while they held both cores waited for a time slice (stalls of ~20 ms with no
// batch running, bench import-stall). Linux schedules threads, and setpriority() given a thread id
// renices that thread only, so a background worker lowers its own thread's priority; the device
// thread keeps its own. Lowering needs no privilege (raising it back would). Only pure CPU work is
// lowered: a thread that takes the store's write lock (the import worker) is not, or it would be
// preempted while holding the lock the device thread is waiting for. Where /proc/thread-self is
// missing (not Linux) nothing is changed.
export const BACKGROUND_NICE = 10;

/** Lowers the calling thread's priority; false when the platform does not allow it per thread. */
export function runInBackground(): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, BACKGROUND_NICE);
    return true;
  } catch {
    return false;
  }
}
