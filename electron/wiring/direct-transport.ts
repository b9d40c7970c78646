import type { CardTransport, Bin } from '../core/engine/step';

// For a simulated station with no transport machine: moves are instantaneous. (A real station
// without a machine runs in manual mode, where the operator carries the card.)
export class DirectTransport implements CardTransport {
  readonly id = 'direct';
  private next = 0;
  async feed(): Promise<number> {
    return ++this.next;
  }
  async moveTo(): Promise<void> {}
  async eject(_h: number, _bin: Bin): Promise<void> {}
}
