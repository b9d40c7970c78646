import { UsageError } from './args';
import { runEncoderEmulatorOnTty } from '../sim/msr/tty';
import { runMachineEmulatorOnTty } from '../sim/machine/tty';

// `perso-station sim <device> --tty PATH`: an emulator on one end of a pty pair, so the station
// (or any other host) can be put on the other end as on a real device.
export async function runSim(device: string | undefined, tty: string | undefined, timeScale: number): Promise<void> {
  if (!tty) throw new UsageError('sim needs --tty PATH (one end of a pty pair: socat -d -d pty,raw,echo=0,link=/tmp/a pty,raw,echo=0,link=/tmp/b)');
  switch (device) {
    case 'encoder':
      await runEncoderEmulatorOnTty(tty, { delays: timeScale ? 'realistic' : 'none', timeScale: timeScale || 1 });
      break;
    case 'machine':
      await runMachineEmulatorOnTty(tty, { timeScale });
      break;
    case 'laser': {
      const { runLaserEmulatorOnTty } = await import('../sim/laser/tty');
      await runLaserEmulatorOnTty(tty, { timeScale });
      break;
    }
    default:
      throw new UsageError('sim encoder|machine|laser --tty PATH');
  }
  process.stdout.write(`${device} emulator on ${tty}\n`);
}
