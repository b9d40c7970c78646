export type DeviceKind = 'reader' | 'encoder' | 'machine' | 'laser' | 'keystore';
export type DeviceState = 'online' | 'busy' | 'offline' | 'error';
export interface DeviceStatus {
  id: string;
  kind: DeviceKind;
  name: string;
  state: DeviceState;
  /** What is going on, in plain words (never card data). */
  message?: string;
  /** What a person should do about it, when something is wrong. */
  action?: string;
  since: number;
}
