import type { CallTable, EventTable } from '../common';

// The products part of the contract (merged into CALLS/EVENTS in ../channels.ts).
export const PRODUCTS_CALLS = {} as const satisfies CallTable;
export const PRODUCTS_EVENTS = {} as const satisfies EventTable;
