/** Types for ml-isolation-forest 0.1.0 (the reference implementation; it ships none). */
declare module 'ml-isolation-forest' {
  export class IsolationForest {
    /** `nEstimators`: trees, default 100. Every tree is grown on the whole training set. */
    constructor(options?: { nEstimators?: number });
    /** Grows the trees with Math.random (there is no seed). */
    train(trainingSet: number[][]): void;
    /** 2^(−E[h(x)] / c(n)) per row, n being the training set size. */
    predict(data: number[][]): number[];
  }
}
