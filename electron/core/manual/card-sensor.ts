// A device that can tell by itself whether a card is in it: a chip head (PC/SC reader). The
// manual transport finds these among the station's devices by shape, so the core does not
// depend on the PC/SC driver.
export interface CardSensor {
  readonly id: string;
  waitForCard(o: { signal?: AbortSignal }): Promise<unknown>;
  waitForCardRemoved(o: { signal?: AbortSignal }): Promise<void>;
}

export function isCardSensor(d: unknown): d is CardSensor {
  const x = d as Partial<CardSensor> | null;
  return !!x && typeof x.id === 'string' && typeof x.waitForCard === 'function' && typeof x.waitForCardRemoved === 'function';
}
