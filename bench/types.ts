/** A benchmark's figures, in the order they are printed: name → value. */
export type Figures = Record<string, number | string>;
