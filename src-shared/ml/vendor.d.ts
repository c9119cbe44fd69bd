// Type declarations for the untyped npm packages used by src-shared/ml.

declare module 'libsvm-js/asm' {
  interface LibsvmOptions {
    type?: string;
    kernel?: string;
    degree?: number;
    gamma?: number;
    coef0?: number;
    cost?: number;
    nu?: number;
    epsilon?: number;
    cacheSize?: number;
    tolerance?: number;
    shrinking?: boolean;
    probabilityEstimates?: boolean;
    weight?: Record<string, number>;
    quiet?: boolean;
  }
  class SVM {
    constructor(options?: LibsvmOptions);
    train(samples: ArrayLike<number>[], labels: ArrayLike<number>): void;
    predictOne(sample: ArrayLike<number>): number;
    predict(samples: ArrayLike<number>[]): number[];
    getLabels(): number[];
    getSVIndices(): number[];
    serializeModel(): string;
    free(): void;
    static SVM_TYPES: { C_SVC: string; NU_SVC: string; ONE_CLASS: string; EPSILON_SVR: string; NU_SVR: string };
    static KERNEL_TYPES: { LINEAR: string; POLYNOMIAL: string; RBF: string; SIGMOID: string; PRECOMPUTED: string };
    static load(serialized: string): SVM;
  }
  export default SVM;
}
