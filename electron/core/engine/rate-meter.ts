// Cards per hour over the most recent completions, so the figure follows the line's real pace
// (a pause or a slow card stock shows within a few cards).
export class RateMeter {
  private marks: number[] = [];
  constructor(private readonly window = 20) {}
  mark(t: number): void {
    this.marks.push(t);
    if (this.marks.length > this.window) this.marks.shift();
  }
  perHour(): number | null {
    if (this.marks.length < 2) return null;
    const span = this.marks[this.marks.length - 1] - this.marks[0];
    if (span <= 0) return null;
    return Math.round(((this.marks.length - 1) / span) * 3_600_000);
  }
}
