import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { connectToVpcd } from '../../../electron/sim/vpcd/vpcd-client';
import { EchoChip, ECHO_ATR } from '../../support/echo-chip';

// A stand-in for vpcd on an ephemeral port: it speaks first, as vpcd does, and reads answers
// whatever way TCP delivers them.
async function fakeVpcd(): Promise<{ server: Server; port: number; peer: Promise<Socket> }> {
  let resolvePeer!: (s: Socket) => void;
  const peer = new Promise<Socket>((r) => (resolvePeer = r));
  const server = createServer((s) => resolvePeer(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, peer };
}

function reader(sock: Socket) {
  let buf = Buffer.alloc(0);
  const waiting: ((b: Buffer) => void)[] = [];
  const frames: Buffer[] = [];
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const n = buf.readUInt16BE(0);
      const f = buf.subarray(2, 2 + n);
      buf = buf.subarray(2 + n);
      const w = waiting.shift();
      if (w) w(f);
      else frames.push(f);
    }
  });
  return () => new Promise<Buffer>((r) => (frames.length ? r(frames.shift()!) : waiting.push(r)));
}

const frame = (hex: string) => {
  const p = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(2 + p.length);
  out.writeUInt16BE(p.length);
  p.copy(out, 2);
  return out;
};

test('answers ATR requests and APDUs, handles power control, split and merged frames', async (t) => {
  const { server, port, peer } = await fakeVpcd();
  t.after(() => server.close());
  const chip = new EchoChip();
  const conn = await connectToVpcd(chip, { port });
  const s = await peer;
  const next = reader(s);

  s.write(Buffer.concat([frame('01'), frame('04')])); // power on, then get ATR, in one segment
  assert.deepEqual(await next(), ECHO_ATR);
  assert.equal(chip.powerOns, 1);

  const apdu = frame('80EE000003AABBCC');
  for (const b of apdu) s.write(Buffer.from([b])); // one byte at a time
  assert.deepEqual(await next(), Buffer.from('AABBCC9000', 'hex'));

  // Two APDUs back to back: answered in order, one at a time.
  s.write(Buffer.concat([frame('80EE00000101'), frame('80EE00000102')]));
  assert.deepEqual(await next(), Buffer.from('019000', 'hex'));
  assert.deepEqual(await next(), Buffer.from('029000', 'hex'));

  s.write(Buffer.concat([frame('02'), frame('00')])); // reset, power off: no answer
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(chip.resets, 1);
  assert.equal(chip.powerOffs, 1);
  assert.equal(conn.open, true);

  await conn.remove();
  assert.equal(conn.open, false);
});

test('each answer leaves in one write (header and payload together)', async (t) => {
  const { server, port, peer } = await fakeVpcd();
  t.after(() => server.close());
  const writes: number[] = [];
  const orig = Socket.prototype.write;
  const conn = await connectToVpcd(new EchoChip(), { port });
  const s = await peer;
  const next = reader(s);
  Socket.prototype.write = function (this: Socket, ...a: Parameters<Socket['write']>) {
    if (Buffer.isBuffer(a[0])) writes.push(a[0].length);
    return orig.apply(this, a);
  } as Socket['write'];
  try {
    s.write(frame('80EE000004DEADBEEF'));
    await next();
  } finally {
    Socket.prototype.write = orig;
  }
  // The server side writes once (the test's own frame); the client wrote header + 6 bytes once.
  assert.deepEqual(writes.filter((n) => n !== 11), [8]);
  await conn.remove();
});

test('the card leaves when vpcd closes, and a chip that reports removal closes the link', async (t) => {
  const { server, port, peer } = await fakeVpcd();
  t.after(() => server.close());
  const chip = new EchoChip();
  const conn = await connectToVpcd(chip, { port });
  const s = await peer;
  s.destroy();
  await conn.closed;
  assert.equal(conn.open, false);

  const chip2 = new EchoChip();
  chip2.transmit = async () => {
    throw Object.assign(new Error('removed'), { code: 'CARD_REMOVED' });
  };
  const second = await fakeVpcd();
  t.after(() => second.server.close());
  const conn2 = await connectToVpcd(chip2, { port: second.port });
  (await second.peer).write(frame('80EE00000101'));
  await conn2.closed;
  assert.equal(conn2.open, false);
});

test('connecting where no vpcd listens fails with a clear error', async () => {
  const { server, port } = await fakeVpcd();
  await new Promise<void>((r) => server.close(() => r()));
  await assert.rejects(connectToVpcd(new EchoChip(), { port }), new RegExp(`vpcd at 127.0.0.1:${port}`));
});
