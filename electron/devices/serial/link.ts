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

/**
 * A real serial port (a device, or one end of a socat pty pair). Each open() makes a new
 * SerialPort: serialport destroys a port's stream after a failed write or a disconnect, so the
 * same object cannot be opened again when the device comes back.
 */
export async function openSerialPort(spec: SerialLinkSpec): Promise<SerialLink> {
  const { SerialPort } = await import('serialport');
  const ev = new EventEmitter();
  type Port = InstanceType<typeof SerialPort>;
  let port: Port | null = null;
  let open = false;
  const link: SerialLink = {
    path: spec.path,
    get isOpen() {
      return open;
    },
    open: () =>
      new Promise<void>((resolve, reject) => {
        const p = new SerialPort({ path: spec.path, baudRate: spec.baudRate, autoOpen: false });
        // serialport only reports a disconnect while the stream flows, so a data listener is always attached.
        p.on('data', (d: Buffer) => {
          if (port === p) ev.emit('data', d);
        });
        p.on('close', (err?: Error & { disconnected?: boolean }) => {
          if (port !== p) return;
          open = false;
          port = null;
          ev.emit('close', err && err.disconnected ? new DeviceDisconnectedError(spec.path, `${spec.path}: the port went away`) : null);
        });
        p.on('error', () => {
          /* surfaced through write/open errors and close */
        });
        p.open((err) => {
          if (err) return reject(err);
          port = p;
          open = true;
          resolve();
        });
      }),
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        const p = port;
        if (!open || !p) return reject(new DeviceDisconnectedError(spec.path, `${spec.path}: port is not open`));
        p.write(data, (err) => (err ? reject(err) : resolve()));
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
        const p = port;
        if (!p || !p.isOpen) {
          open = false;
          port = null;
          return resolve();
        }
        p.close(() => resolve());
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
