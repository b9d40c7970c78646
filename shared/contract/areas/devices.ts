import { z } from 'zod';
import type { CallTable } from '../common';
import { id } from '../common';
import { DeviceStatusSchema } from '../dto';

// The device part of the contract (merged into CALLS/EVENTS in ../channels.ts): commands a
// device panel offers (`DeviceStatus.commands`), e.g. a laser's unlock ($X) and homing ($H)
// after an alarm paused the line.
export const DeviceCommandSchema = z.enum(['unlock', 'home', 'recover']);

export const DEVICES_CALLS = {
  'devices.perform': { input: z.object({ deviceId: id, command: DeviceCommandSchema }).strict(), output: DeviceStatusSchema },
} as const satisfies CallTable;

