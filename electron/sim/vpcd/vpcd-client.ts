import { connect, type Socket } from 'node:net';
import type { VirtualChip } from '../card/types';

// Puts a virtual chip into one of pcscd's vpcd virtual readers, as vsmartcard's vicc does: the
// card is a TCP client of vpcd; connected = inserted, socket closed = removed. Frames in both
// directions are [length uint16 BE][payload]; vpcd speaks first. One-byte messages are control
// (00 power off, 01 power on, 02 reset, 04 get ATR — only 04 is answered); longer ones are
// command APDUs, answered with the response APDU. Each answer goes out in ONE write with
// Nagle off, or every APDU waits for a delayed ACK (~40 ms). Reconnecting is the caller's call.

export const VPCD_PORT = 35963;

export interface VpcdOptions {
  host?: string;
  port?: number;
  connectTimeoutMs?: number;
}

export interface VpcdConnection {
  readonly port: number;
  /** True until the socket closed. */
  readonly open: boolean;
  /** Settles when the socket has closed (the card left the reader), whoever closed it. */
  readonly closed: Promise<void>;
  /** Takes the card out of the reader. */
  remove(): Promise<void>;
}

const CTRL_OFF = 0x00;
const CTRL_ON = 0x01;
const CTRL_RESET = 0x02;
const CTRL_ATR = 0x04;
const NO_DIAGNOSIS = Buffer.from([0x6f, 0x00]);

function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + payload.length);
  out.writeUInt16BE(payload.length, 0);
  payload.copy(out, 2);
  return out;
}

class Client implements VpcdConnection {
  open = true;
  readonly closed: Promise<void>;
  private buf: Buffer | null = null;
  private busy = false;
  private readonly queue: Buffer[] = [];

  constructor(
    private readonly sock: Socket,
    private readonly chip: VirtualChip,
    readonly port: number,
  ) {
    this.closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    sock.once('close', () => (this.open = false));
    sock.on('error', () => {
      /* 'close' follows; the reader sees the card leave */
    });
    sock.on('data', (d: Buffer) => this.onData(d));
  }

  remove(): Promise<void> {
    if (this.open) this.sock.destroy();
    return this.closed;
  }

  private onData(d: Buffer): void {
    let b = this.buf ? Buffer.concat([this.buf, d]) : d;
    let o = 0;
    while (b.length - o >= 2) {
      const n = b.readUInt16BE(o);
      if (b.length - o - 2 < n) break;
      const msg = b.subarray(o + 2, o + 2 + n);
      o += 2 + n;
      if (this.busy) this.queue.push(Buffer.from(msg));
      else this.handle(msg);
    }
    this.buf = o < b.length ? Buffer.from(b.subarray(o)) : null;
  }

  private handle(msg: Buffer): void {
    if (msg.length === 1) {
      try {
        this.control(msg[0]);
      } catch {
        this.sock.destroy(); // a chip that cannot power up leaves the reader
      }
      return this.next();
    }
    if (msg.length === 0) return this.next();
    this.busy = true;
    // The payload is copied: a chip may keep the command past this frame's buffer.
    this.chip.transmit(Buffer.from(msg)).then(
      (resp) => this.reply(resp.length ? resp : NO_DIAGNOSIS),
      (e: unknown) => {
        if ((e as { code?: unknown })?.code === 'CARD_REMOVED') this.sock.destroy();
        else this.reply(NO_DIAGNOSIS);
      },
    );
  }

  private control(c: number): void {
    if (c === CTRL_ATR) this.write(this.chip.atr());
    else if (c === CTRL_ON) this.chip.powerOn();
    else if (c === CTRL_OFF) this.chip.powerOff();
    else if (c === CTRL_RESET) this.chip.reset();
  }

  private reply(resp: Buffer): void {
    this.write(resp);
    this.busy = false;
    this.next();
  }

  private next(): void {
    const m = this.queue.shift();
    if (m) this.handle(m);
  }

  private write(payload: Buffer): void {
    if (this.open && !this.sock.destroyed) this.sock.write(frame(payload));
  }
}

/** Connects a chip to vpcd (inserting it into that reader); rejects when vpcd is not listening. */
export function connectToVpcd(chip: VirtualChip, o: VpcdOptions = {}): Promise<VpcdConnection> {
  const port = o.port ?? VPCD_PORT;
  const host = o.host ?? '127.0.0.1';
  const ms = o.connectTimeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`vpcd at ${host}:${port} did not accept within ${ms} ms`));
    }, ms);
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`vpcd at ${host}:${port}: ${(e as Error).message}`));
    });
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.setNoDelay(true);
      resolve(new Client(sock, chip, port));
    });
  });
}
