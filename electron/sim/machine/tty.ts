import { MachineEmulator, type MachineEmulatorOptions } from './emulator';
import { runOnTty, type TtyEmulator } from '../tty';
import { SimLine, vpcdHeads } from '../line';
import type { SimIssuer } from '../issuer';
import type { BlankCard } from '../card/blank-card';

// `perso-station sim machine --tty PATH`: the machine emulator on a real tty. With `vpcd` it also
// plays the chip stations: each blank card it feeds is a virtual chip (keys from the issuer
// file), and a card moved to chip station N is inserted into pcscd's vpcd slot N (port base+N),
// so a station whose chip heads are the vpcd readers personalizes it over PC/SC.
export type TtyMachineEmulator = TtyEmulator<MachineEmulator> & { closeHeads?: () => Promise<void> };

export interface MachineTtyOptions extends MachineEmulatorOptions {
  emulator?: MachineEmulator;
  vpcd?: { port: number; host?: string; issuer: SimIssuer };
}

export async function runMachineEmulatorOnTty(path: string, opts: MachineTtyOptions = {}): Promise<TtyMachineEmulator> {
  if (opts.emulator || !opts.vpcd) return runOnTty(path, opts.emulator ?? new MachineEmulator(null, opts));
  const { port, host, issuer } = opts.vpcd;
  const heads = vpcdHeads(host, port);
  const chipStations = Math.max(1, opts.chipStations ?? 2);
  const stock = new SimLine({ timeScale: opts.timeScale ?? 0, issuer, chipStations, chipHeads: heads });
  const emulator = new MachineEmulator(null, {
    ...opts,
    chipStations,
    newBlankCard: stock.newBlankCard,
    onChipStation: (slot, card) => (card?.chip ? heads.insert(slot, card.chip as BlankCard) : heads.remove(slot)),
  });
  const t = await runOnTty(path, emulator);
  return { ...t, closeHeads: () => heads.close(), close: async () => (await t.close(), await heads.close()) };
}
