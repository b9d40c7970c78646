import type { StatusNote } from './status-notes';

export type DeviceKind = 'reader' | 'encoder' | 'machine' | 'laser' | 'keystore';
export type DeviceState = 'online' | 'busy' | 'offline' | 'error';
/** What a person may ask of the device from its panel now (a laser after an alarm: unlock, home; the machine after a jam cleared by hand: recover). */
export type DeviceCommand = 'unlock' | 'home' | 'recover';
export interface DeviceStatus {
  id: string;
  kind: DeviceKind;
  name: string;
  state: DeviceState;
  /** What is going on, in plain words (never card data): the technical line the log and the CLI show. */
  message?: string;
  /** The same as a code the screens word from their catalogue (status-notes.ts); never shown raw. */
  note?: StatusNote;
  /** What a person should do about it, when something is wrong. */
  action?: string;
  /** Commands the device panel offers now. */
  commands?: DeviceCommand[];
  since: number;
}
