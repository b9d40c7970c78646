export { AuditLog, type AuditLogOptions } from './log';
export { COUNT_CAP, MAX_LIMIT, ftsQuery } from './query';
export { RetentionError, MIN_KEEP_DAYS, MIN_ONLINE_DAYS } from './retention';
export { CHAIN_COLUMNS, CHAIN_TAG, GENESIS_HASH, hashChainRow } from './chain';
export { AUDIT_DOMAIN } from './schema';
export type * from './types';
