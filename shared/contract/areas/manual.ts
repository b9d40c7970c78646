import type { CallTable, EventTable } from '../common';

// The manual part of the contract (merged into CALLS/EVENTS in ../channels.ts).
export const MANUAL_CALLS = {} as const satisfies CallTable;
export const MANUAL_EVENTS = {} as const satisfies EventTable;
