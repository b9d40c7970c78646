import { UsageError } from './args';
import { runEncoderEmulatorOnTty } from '../sim/msr/tty';
import { runMachineEmulatorOnTty } from '../sim/machine/tty';

// `perso-station sim <device> --tty PATH`: an emulator on one end of a pty pair, so the station
// (or any other host) can be put on the other end as on a real device.
export async function runSim(device: string | undefined, tty: string | undefined, timeScale: number, o: { port?: number; issuer?: string; vpcd?: number; chipStations?: number } = {}): Promise<void> {
  if (device === 'card') return runCard(o.port ?? 35963, o.issuer, timeScale);
  if (!tty) throw new UsageError('sim needs --tty PATH (one end of a pty pair: socat -d -d pty,raw,echo=0,link=/tmp/a pty,raw,echo=0,link=/tmp/b)');
  switch (device) {
    case 'encoder':
      await runEncoderEmulatorOnTty(tty, { delays: timeScale ? 'realistic' : 'none', timeScale: timeScale || 1 });
      break;
    case 'machine': {
      // --vpcd BASEPORT: the cards it moves to chip station N go into pcscd's vpcd slot N.
      if (o.vpcd !== undefined && !o.issuer) throw new UsageError('sim machine --vpcd needs --issuer D/sim-issuer.json (the keys of the blank card stock)');
      const { readSimIssuer } = await import('../sim/issuer');
      const vpcd = o.vpcd !== undefined ? { port: o.vpcd, issuer: readSimIssuer(o.issuer!) } : undefined;
      await runMachineEmulatorOnTty(tty, { timeScale, chipStations: o.chipStations, vpcd });
      if (vpcd) process.stdout.write(`chip stations 0..${(o.chipStations ?? 2) - 1} insert their cards into vpcd ports ${vpcd.port}..${vpcd.port + (o.chipStations ?? 2) - 1}\n`);
      break;
    }
    case 'laser': {
      const { runLaserEmulatorOnTty } = await import('../sim/laser/tty');
      await runLaserEmulatorOnTty(tty, { timeScale });
      break;
    }
    default:
      throw new UsageError('sim encoder|machine|laser --tty PATH, or sim card --port 35963 [--issuer D/sim-issuer.json]');
  }
  process.stdout.write(`${device} emulator on ${tty}\n`);
}

// `perso-station sim card --port P`: one virtual GlobalPlatform card in pcscd's vpcd slot P, from
// a demo's simulated issuer file (same keys as the demo's key store), or with the GP test key.
async function runCard(port: number, issuerPath: string | undefined, timeScale: number): Promise<void> {
  const { createBlankCard } = await import('../sim/card/blank-card');
  const { connectToVpcd } = await import('../sim/vpcd/vpcd-client');
  const { readSimIssuer } = await import('../sim/issuer');
  const { GP_TEST_KEY } = await import('../devices/chip/dataprep');
  const { randomBytes } = await import('node:crypto');
  const c = readSimIssuer(issuerPath ?? null).chip;
  const card = createBlankCard({
    serial: 1 + (Date.now() % 100000),
    masterKey: c ? Buffer.from(c.masterKeyHex, 'hex') : GP_TEST_KEY,
    keyAlgorithm: c?.keyAlgorithm ?? 'AES', scp: c?.scp ?? 'SCP03', diversification: c?.diversification ?? 'kdf3',
    issuerDek: c ? Buffer.from(c.issuerDekHex, 'hex') : randomBytes(16),
    timeScale,
  });
  const conn = await connectToVpcd(card, { port });
  process.stdout.write(`virtual card ${card.serial} inserted in the vpcd reader on port ${port}; Ctrl-C takes it out\n`);
  const out = async () => {
    await conn.remove();
    process.exit(0);
  };
  process.once('SIGINT', out);
  process.once('SIGTERM', out);
  await conn.closed;
  process.stdout.write('the reader dropped the card (pcscd stopped?)\n');
  process.exit(1);
}
