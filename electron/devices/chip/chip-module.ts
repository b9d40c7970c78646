import type { StepModule, StepContext, StepOutcome } from '../step-port';
import type { ReaderDevice } from '../pcsc/reader-device';
import type { ChipKeyProvider } from './keys';
import { personalizeChip } from './personalize';
import { PcscError } from '../pcsc/errors';

// The chip step on N chip heads: head N is the reader the machine puts the card into. It waits
// for the card to be seen, connects exclusively, runs the personalization script and reports the
// chip log (counts and status words, never data) to the card's step log.
export interface ChipModuleOptions {
  /** How long to wait for the reader to see the card after the machine said it is there. */
  cardTimeoutMs?: number;
  apduTimeoutMs?: number;
}

export function createChipModule(heads: ReaderDevice[], keys: ChipKeyProvider, o: ChipModuleOptions = {}): StepModule {
  // The insertion each head last worked on: a card is only personalized once the reader has seen
  // it arrive, so a stale "card present" from the previous card can never be mistaken for it.
  const used = heads.map(() => 0);
  // A retry runs on the same card, still in the head: the card each head's last attempt worked
  // on (by its key diversification data), so the retry can tell it is the same card.
  const worked: ({ cardId: number; kdd: Buffer | null } | null)[] = heads.map(() => null);
  const freshCard = async (slot: number, signal: AbortSignal, timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    while (heads[slot].insertions <= used[slot]) {
      if (signal.aborted) throw signal.reason;
      if (Date.now() > until) throw Object.assign(new Error('no new card seen in the reader'), { code: 'TIMEOUT' });
      await new Promise((r) => setTimeout(r, 10));
    }
    used[slot] = heads[slot].insertions;
  };
  return {
    kind: 'chip',
    slots: heads.length,
    deviceIds: heads.map((h) => h.id),
    async run(ctx: StepContext): Promise<StepOutcome> {
      const head = heads[ctx.slot];
      const profile = ctx.product.chip;
      if (!profile) return { ok: false, reason: 'DEVICE_NOT_CONFIGURED', message: `product ${ctx.product.id} has no chip profile`, retryable: false };
      const retry = ctx.attempt > 1 && worked[ctx.slot]?.cardId === ctx.cardId;
      let channel;
      let atr: Buffer;
      try {
        // The first attempt waits for the card the machine brought; a retry works on the card
        // that is still there, and only if it never left the head.
        if (!retry) {
          await freshCard(ctx.slot, ctx.signal, o.cardTimeoutMs ?? 5000);
          worked[ctx.slot] = { cardId: ctx.cardId, kdd: null };
        } else if (heads[ctx.slot].insertions !== used[ctx.slot])
          return { ok: false, reason: 'CHIP_CARD_CHANGED', message: `${head.id}: a card left the head and another came in since the first attempt; nothing was sent to it`, retryable: false };
        ({ atr } = await head.waitForCard({ timeoutMs: o.cardTimeoutMs ?? 5000, signal: ctx.signal }));
        channel = await head.connect({ apduTimeoutMs: o.apduTimeoutMs });
      } catch (e) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const code = e instanceof PcscError ? e.code : (e as { code?: string })?.code;
        const reason = code === 'NO_CARD' || code === 'TIMEOUT' ? 'CHIP_CARD_REMOVED' : 'CHIP_READER_UNAVAILABLE';
        return { ok: false, reason, message: `${head.id}: ${code === 'TIMEOUT' ? 'no card seen in the reader' : (e as Error).message}`, retryable: true };
      }
      const before = retry ? (worked[ctx.slot]!.kdd ?? undefined) : undefined;
      try {
        const r = await personalizeChip({
          channel, atr, profile, productIsTest: ctx.product.test, record: ctx.record, keys, signal: ctx.signal, apduTimeoutMs: o.apduTimeoutMs,
          onProgress: (f, note) => ctx.progress(f, note),
          expectCard: before,
          onCardIdentity: (kdd) => {
            if (!before) worked[ctx.slot] = { cardId: ctx.cardId, kdd };
          },
        });
        if (r.ok) worked[ctx.slot] = null;
        ctx.note({ reader: head.id, apdus: r.log.apdus, ms: Math.round(r.log.ms), sw: r.log.statusWords.join(',').slice(0, 400), ...(r.log.failedStep ? { failedStep: r.log.failedStep } : {}) });
        return r.ok ? { ok: true, readBack: r.readBack } : { ok: false, reason: r.reason, message: r.message, retryable: r.retryable };
      } finally {
        await channel.close().catch(() => undefined);
      }
    },
  };
}
