// Which card a jam took, so the machine driver fails only that card's commands and lets every
// other card's command wait for the operator (docs/machine-protocol.md, "Faults and recovery"):
// the card a `! FAULT JAM card=<h>` named, the card at the embosser (a strike or topping is for
// it), and the cards RECOVER named lost (the operator took them out of the path).
export class JamBook {
  /** The card the last `! FAULT JAM card=<h>` named, until RECOVER or RESET. */
  private jammed: number | null = null;
  /** The card the last MOVE to the embosser brought there, while it is there. */
  private atEmbosser: number | null = null;
  /** Cards RECOVER named lost: out of the machine, in the operator's hands. */
  private readonly gone = new Set<number>();

  faulted(card: number): void {
    this.jammed = card;
  }
  fed(handle: number): void {
    // A machine started again may hand out a handle once named lost: this card is in the path.
    this.gone.delete(handle);
  }
  moved(handle: number, module: string): void {
    if (module === 'EMBOSS') this.atEmbosser = handle;
    else if (this.atEmbosser === handle) this.atEmbosser = null;
  }
  ejected(handle: number): void {
    if (this.atEmbosser === handle) this.atEmbosser = null;
  }
  recovered(lost: readonly number[]): void {
    for (const h of lost) this.gone.add(h);
    this.jammed = null;
  }
  reset(): void {
    this.jammed = this.atEmbosser = null;
    this.gone.clear();
  }
  /** True when RECOVER named this card lost: it left the path by hand. */
  wasRemoved(handle: number): boolean {
    return this.gone.has(handle);
  }

  /**
   * The card of this command that a jam took, or null when the jam is another card's (the
   * command was refused: the machine did nothing). `during` is the card a jam event named while
   * this command was on the wire: a FEED's own blank has no handle before that.
   */
  ownCard(cmd: string, args: ReadonlyArray<string | number>, during: number | undefined): number | null {
    const jammed = during ?? this.jammed;
    if (jammed == null) return null;
    if (cmd === 'FEED') return during ?? null;
    if (cmd === 'MOVE' || cmd === 'EJECT') return Number(args[0]) === jammed ? jammed : null;
    if (cmd === 'EMBOSS' || cmd === 'INDENT' || cmd === 'TOPPING') return this.atEmbosser === jammed ? jammed : null;
    return null;
  }

  /** The card at the embosser, if RECOVER named it lost (a strike for it has no card to strike). */
  removedAtEmbosser(): number | null {
    return this.atEmbosser != null && this.gone.has(this.atEmbosser) ? this.atEmbosser : null;
  }
}
