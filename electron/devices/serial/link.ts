import { EventEmitter } from 'node:events';
import { DeviceDisconnectedError } from '../errors';

// The transport under every serial driver: a real port (serialport, on a cable or a pty) or an
// in-memory pair whose far end is a device emulator. Drivers speak their protocol over this and
// never know which it is.
export interface SerialLink {
  readonly path: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  write(data: Buffer | string): Promise<void>;
  /** Subscribes to incoming bytes; returns the unsubscribe function. */
  onData(cb: (chunk: Buffer) => void): () => void;
  /** Called once when the link closes; `err` is a DeviceDisconnectedError when the far side went away. */
  onClose(cb: (err: DeviceDisconnectedError | null) => void): () => void;
  close(): Promise<void>;
}

export interface SerialLinkSpec {
  path: string;
  baudRate: number;
}

/** Opens a real serial port (a device, or one end of a socat pty pair). */
export async function openSerialPort(spec: SerialLinkSpec): Promise<SerialLink> {
  const { SerialPort } = await import('serialport');
  const ev = new EventEmitter();
  const port = new SerialPort({ path: spec.path, baudRate: spec.baudRate, autoOpen: false });
  let open = false;
  // serialport only reports a disconnect while the stream flows, so a data listener is always attached.
  port.on('data', (d: Buffer) => ev.emit('data', d));
  port.on('close', (err?: Error & { disconnected?: boolean }) => {
    open = false;
    ev.emit('close', err && err.disconnected ? new DeviceDisconnectedError(spec.path, `${spec.path}: the port went away`) : null);
  });
  port.on('error', () => {
    /* surfaced through write/open errors and close */
  });
  const link: SerialLink = {
    path: spec.path,
    get isOpen() {
      return open;
    },
    open: () =>
      new Promise<void>((resolve, reject) =>
        port.open((err) => {
          if (err) return reject(err);
          open = true;
          resolve();
        }),
      ),
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        if (!open) return reject(new DeviceDisconnectedError(spec.path, `${spec.path}: port is not open`));
        port.write(data, (err) => (err ? reject(err) : resolve()));
      }),
    onData(cb) {
      ev.on('data', cb);
      return () => ev.off('data', cb);
    },
    onClose(cb) {
      ev.on('close', cb);
      return () => ev.off('close', cb);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
  return link;
}

/** The far end of an in-memory link, where an emulator sits. */
export interface MemoryLinkFarEnd {
  write(data: Buffer | string): void;
  onData(cb: (chunk: Buffer) => void): () => void;
  /** Simulates pulling the cable: the near end closes with a disconnect error. */
  unplug(): void;
  /** Plugs the cable back in: the near end can be opened again. */
  plug(): void;
}

/**
 * An in-process cable: the near end is a SerialLink for a driver, the far end feeds an emulator.
 * Bytes are delivered asynchronously (next tick), as a real port would.
 */
export function createMemoryLink(path: string): { link: SerialLink; far: MemoryLinkFarEnd } {
  const near = new EventEmitter();
  const farEv = new EventEmitter();
  let open = false;
  let plugged = true;
  const link: SerialLink = {
    path,
    get isOpen() {
      return open;
    },
    async open() {
      if (!plugged) throw Object.assign(new Error(`${path}: no such device`), { code: 'ENOENT' });
      open = true;
    },
    async write(data) {
      if (!open) throw new DeviceDisconnectedError(path, `${path}: port is not open`);
      const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
      setImmediate(() => farEv.emit('data', buf));
    },
    onData(cb) {
      near.on('data', cb);
      return () => near.off('data', cb);
    },
    onClose(cb) {
      near.on('close', cb);
      return () => near.off('close', cb);
    },
    async close() {
      if (!open) return;
      open = false;
      near.emit('close', null);
    },
  };
  const far: MemoryLinkFarEnd = {
    write(data) {
      const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
      setImmediate(() => {
        if (open) near.emit('data', buf);
      });
    },
    onData(cb) {
      farEv.on('data', cb);
      return () => farEv.off('data', cb);
    },
    unplug() {
      plugged = false;
      if (open) {
        open = false;
        near.emit('close', new DeviceDisconnectedError(path, `${path}: the port went away`));
      }
    },
    plug() {
      plugged = true;
    },
  };
  return { link, far };
}
