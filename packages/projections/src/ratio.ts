/** A rate shown with what it is made of: numerator ≤ denominator, rate `null` when 0/0. */
export interface Ratio {
  readonly numerator: number;
  readonly denominator: number;
  readonly rate: number | null;
}

/** A ratio being counted up. */
export class Tally {
  numerator = 0;
  denominator = 0;
  /** Counts one case of the denominator, and of the numerator when `hit`. */
  count(hit: boolean): void {
    this.denominator++;
    if (hit) this.numerator++;
  }
  toRatio(): Ratio {
    return {
      numerator: this.numerator,
      denominator: this.denominator,
      rate: this.denominator === 0 ? null : this.numerator / this.denominator,
    };
  }
}
