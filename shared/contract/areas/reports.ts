import type { CallTable, EventTable } from '../common';

// The reports part of the contract (merged into CALLS/EVENTS in ../channels.ts).
export const REPORTS_CALLS = {} as const satisfies CallTable;
export const REPORTS_EVENTS = {} as const satisfies EventTable;
