import type { CallTable, EventTable } from '../common';

// The recovery part of the contract (merged into CALLS/EVENTS in ../channels.ts).
export const RECOVERY_CALLS = {} as const satisfies CallTable;
export const RECOVERY_EVENTS = {} as const satisfies EventTable;
