import type { MachineReplyOk } from './protocol';

// What became of a command whose answer was lost with the cable (the port went while the command
// was on the wire): the machine may have done it or never seen it. Once the port is back, the
// machine's STATUS says where every card is (`cards=<h@POS,…>`), and that decides it for the
// commands that move a card: the card is where the command put it (done), still where it was
// (never seen: send it again), or gone (it left the path some other way). A strike leaves no
// trace in STATUS, so whether it happened stays unknown: only that card can fail. Pure: the
// driver asks, this file answers.

export type LostOutcome =
  | { kind: 'done'; reply: MachineReplyOk }
  | { kind: 'resend' }
  | { kind: 'unknown'; message: string; jam?: boolean };

/** `cards=3@CHIP:0,4@INPUT` as handle → position. */
export function cardsOfStatus(field: string | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const w of (field ?? '').split(',')) {
    const m = /^(\d+)@(\S+)$/.exec(w.trim());
    if (m) out.set(Number(m[1]), m[2]);
  }
  return out;
}

const done = (seq: number, fields: Record<string, string>): LostOutcome => ({
  kind: 'done',
  reply: { kind: 'ok', seq, words: Object.entries(fields).map(([k, v]) => `${k}=${v}`), fields },
});

/**
 * @param owned handles this driver fed that have not left the machine: a card at the input that
 *   is not one of them is the blank a lost FEED took.
 * @param jammed the machine reports a jam (a card missing from STATUS jammed rather than left).
 */
export function outcomeOfLost(cmd: string, args: ReadonlyArray<string | number>, status: MachineReplyOk, owned: ReadonlySet<number>, jammed: boolean): LostOutcome {
  const cards = cardsOfStatus(status.fields.cards);
  const seq = status.seq;
  switch (cmd) {
    case 'FEED': {
      const fresh = [...cards].find(([h, pos]) => pos === 'INPUT' && !owned.has(h));
      if (fresh) return done(seq, { card: String(fresh[0]), ...(status.fields.hopper !== undefined ? { hopper: status.fields.hopper } : {}) });
      if (jammed) return { kind: 'unknown', message: 'the FEED was on its way when the cable went and the machine reports a jam', jam: true };
      // No new blank at the input: the FEED never reached the machine.
      return { kind: 'resend' };
    }
    case 'MOVE':
    case 'EJECT': {
      const handle = Number(args[0]);
      const pos = cards.get(handle);
      const to = cmd === 'EJECT' ? null : args[1] === 'CHIP' ? `CHIP:${args[2]}` : String(args[1]);
      if (cmd === 'EJECT' && pos === undefined && !jammed) return done(seq, { bin: String(args[1]) });
      if (cmd === 'MOVE' && pos === to) return done(seq, { at: to });
      if (pos === undefined) return { kind: 'unknown', message: `card ${handle} is no longer in the machine's path after the cable came back`, jam: jammed };
      if (pos === 'TRANSIT') return { kind: 'unknown', message: `card ${handle} was moving when the cable went and has not arrived` };
      return { kind: 'resend' };
    }
    case 'EMBOSS':
    case 'INDENT':
    case 'TOPPING':
      return { kind: 'unknown', message: `the cable went while ${cmd} was on its way: whether the machine struck it is not known` };
    default:
      // ID, STATUS, RECOVER, RESET: asking again does no harm.
      return { kind: 'resend' };
  }
}
