import type { CallTable, EventTable } from '../common';

// The keys part of the contract (merged into CALLS/EVENTS in ../channels.ts).
export const KEYS_CALLS = {} as const satisfies CallTable;
export const KEYS_EVENTS = {} as const satisfies EventTable;
