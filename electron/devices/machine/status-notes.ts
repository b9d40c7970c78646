import type { StatusNote } from '../../../shared/domain/status-notes';
import { deviceNote, reasonNote } from '../../../shared/domain/status-notes';
import type { MachineFault } from './protocol';

// How the machine's status reads on screen (shared/domain/status-notes.ts): the driver's own
// words ("moving card 6 to ENCODER 0") stay the log's; the panel says "Moving card 6 to the
// stripe encoder" from the catalogue. Built from the command and its arguments, not from text.

/** A fault the machine reports, as the screen words it. */
export const FAULT_NOTES: Record<MachineFault, StatusNote> = {
  JAM: reasonNote('MACHINE_JAM'),
  COVER_OPEN: reasonNote('MACHINE_COVER_OPEN'),
  RIBBON_OUT: deviceNote('machine.RIBBON_OUT'),
  FOIL_OUT: deviceNote('machine.FOIL_OUT'),
  HOPPER_EMPTY: reasonNote('MACHINE_HOPPER_EMPTY'),
};

/** What the machine is doing while `cmd` runs. A card is named by the machine's handle; a chip head counted from 1. */
export function busyNote(cmd: string, args: ReadonlyArray<string | number>): StatusNote {
  switch (cmd) {
    case 'FEED':
      return deviceNote('machine.feed');
    case 'MOVE': {
      const [card, module, slot] = args;
      if (module === 'CHIP') return deviceNote('machine.move.CHIP', { card, unit: Number(slot) + 1 });
      if (module === 'ENCODER' || module === 'EMBOSS' || module === 'LASER' || module === 'VISION') return deviceNote(`machine.move.${module}`, { card });
      return deviceNote('machine.busy');
    }
    case 'EJECT':
      return args[1] === 'GOOD' || args[1] === 'REJECT' ? deviceNote(`machine.eject.${args[1]}`, { card: args[0] }) : deviceNote('machine.busy');
    case 'EMBOSS':
      return deviceNote('machine.emboss');
    case 'INDENT':
      return deviceNote('machine.indent');
    case 'TOPPING':
      return deviceNote('machine.topping');
    case 'RECOVER':
      return deviceNote('machine.recover');
    case 'RESET':
      return deviceNote('machine.reset');
    default:
      return deviceNote('machine.busy');
  }
}
