// One card at a time in a single-place position (the machine's input feed): a card holds it
// from the feed until it has moved on to its first station.
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const prev = this.tail;
    this.tail = prev.then(() => next);
    await prev;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        release();
      }
    };
  }
}
