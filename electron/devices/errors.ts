// Device errors carry a stable code so the engine can map them to a card reason and the UI to
// a device state. A disconnect is its own error (as serialport models it): it takes the
// device offline, while other errors only fail the current operation.
export class DeviceError extends Error {
  constructor(
    readonly device: string,
    readonly code: string,
    message: string,
    readonly detail: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'DeviceError';
  }
}

export class DeviceDisconnectedError extends DeviceError {
  constructor(device: string, message = `${device} disconnected`) {
    super(device, 'DISCONNECTED', message);
    this.name = 'DeviceDisconnectedError';
  }
}

export class DeviceTimeoutError extends DeviceError {
  constructor(device: string, what: string, ms: number) {
    super(device, 'TIMEOUT', `${device}: no answer to ${what} within ${ms} ms`, { timeoutMs: ms });
    this.name = 'DeviceTimeoutError';
  }
}
