import { join } from 'node:path';
import { openDatabase } from './store/db';
import { AuditLog } from './audit/log';
import type { LoadedConfig } from './config';

// The station log without the station: for commands that only read it (logs, audit verify), so
// they can run beside a working station without taking its lock, running recovery or opening
// devices.
export function openLogReader(config: LoadedConfig): { audit: AuditLog; close(): void } {
  const db = openDatabase(join(config.dataDirAbs, 'station.db'), config.durability);
  const audit = new AuditLog(db);
  return {
    audit,
    close() {
      audit.close();
      db.close();
    },
  };
}
