// Optimizers for variational circuits and the classical baselines: Adam,
// gradient descent with momentum, SPSA (Spall 1998) and L-BFGS (Nocedal &
// Wright, Alg. 7.4/7.5), behind one `minimize` driver.
//
// Why written here: the npm candidates do not fit. optimization-js 1.5's
// minimize_L_BFGS has no line search (a "magic" step-size doubling/halving),
// no iteration limit, no callback and loops until ‖g‖∞ < 1e-5, so it can hang;
// fmin 0.0.4 has no L-BFGS (only CG / Nelder–Mead), does not export its Wolfe
// line search, and its package (type: module + UMD build) exports nothing when
// imported in Node. Adam, momentum GD and SPSA are a few lines each. L-BFGS
// here is the textbook two-loop recursion with a weak-Wolfe bisection line
// search (Lewis & Overton), tested on Rosenbrock and quadratics.
// Pure TypeScript: runs in Node and in the browser.
import { Rng } from '../random';

/** A first-order optimizer: updates params in place from a gradient. */
export interface Optimizer {
  readonly name: string;
  step(params: Float64Array, grad: Float64Array): void;
  /** Forget all state (moments, velocity, step count). */
  reset(): void;
}

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** Adam (Kingma & Ba 2015) with bias correction. Defaults lr 0.01, β1 0.9, β2 0.999, ε 1e-8. */
export class Adam implements Optimizer {
  readonly name = 'adam';
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private m: Float64Array | null = null;
  private v: Float64Array | null = null;
  private t = 0;

  constructor({ lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }: AdamOptions = {}) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  step(params: Float64Array, grad: Float64Array): void {
    if (grad.length !== params.length) throw new Error(`adam: gradient has ${grad.length} entries for ${params.length} parameters`);
    if (!this.m || this.m.length !== params.length) {
      this.m = new Float64Array(params.length);
      this.v = new Float64Array(params.length);
      this.t = 0;
    }
    const m = this.m, v = this.v!;
    this.t++;
    const c1 = 1 - Math.pow(this.beta1, this.t), c2 = 1 - Math.pow(this.beta2, this.t);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i];
      m[i] = this.beta1 * m[i] + (1 - this.beta1) * g;
      v[i] = this.beta2 * v[i] + (1 - this.beta2) * g * g;
      params[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
    }
  }

  reset(): void {
    this.m = this.v = null;
    this.t = 0;
  }
}

export interface GradientDescentOptions {
  lr?: number;
  /** Heavy-ball momentum in [0, 1); 0 = plain gradient descent. Default 0.9. */
  momentum?: number;
  nesterov?: boolean;
}

/** Gradient descent with (optionally Nesterov) momentum, PyTorch-SGD convention: v ← μv + g; p ← p − lr·v. */
export class GradientDescent implements Optimizer {
  readonly name = 'gd';
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  private vel: Float64Array | null = null;

  constructor({ lr = 0.01, momentum = 0.9, nesterov = false }: GradientDescentOptions = {}) {
    if (!(momentum >= 0 && momentum < 1)) throw new Error(`momentum must be in [0, 1), got ${momentum}`);
    this.lr = lr;
    this.momentum = momentum;
    this.nesterov = nesterov;
  }

  step(params: Float64Array, grad: Float64Array): void {
    if (grad.length !== params.length) throw new Error(`gd: gradient has ${grad.length} entries for ${params.length} parameters`);
    if (!this.vel || this.vel.length !== params.length) this.vel = new Float64Array(params.length);
    const v = this.vel, mu = this.momentum;
    for (let i = 0; i < params.length; i++) {
      v[i] = mu * v[i] + grad[i];
      params[i] -= this.lr * (this.nesterov ? grad[i] + mu * v[i] : v[i]);
    }
  }

  reset(): void {
    this.vel = null;
  }
}

export interface SpsaOptions {
  /**
   * Gain a of a_k = a / (k + 1 + A)^alpha. If omitted it is calibrated on the
   * first step as Qiskit does: a = targetMagnitude / mean|ĝ| · (A + 1)^alpha
   * from `calibrationSteps` gradient estimates at the start point.
   */
  a?: number;
  /** Perturbation c of c_k = c / (k + 1)^gamma. Default 0.1. */
  c?: number;
  /** Stability constant A; Spall suggests ~10% of the iteration budget. Default 10. */
  A?: number;
  alpha?: number;
  gamma?: number;
  /** First-step size targeted by the calibration. Default 2π/10 (Qiskit's choice for circuit angles). */
  targetMagnitude?: number;
  calibrationSteps?: number;
  seed?: number;
}

export interface SpsaStepResult {
  fPlus: number;
  fMinus: number;
  estimate: number;
}

/**
 * Runs an optimizer written as steps (a generator that yields the points it
 * needs evaluated and is resumed with the values) against a synchronous f.
 * The same steps run against an async f in minimizeAsync: one algorithm,
 * two drivers (GPU backends answer with promises, the native engine at once).
 */
function drive<Y, R, V>(steps: Generator<Y, R, V>, f: (y: Y) => V): R {
  let r = steps.next();
  while (!r.done) r = steps.next(f(r.value));
  return r.value;
}

async function driveAsync<Y, R, V>(steps: Generator<Y, R, V>, f: (y: Y) => Promise<V> | V): Promise<R> {
  let r = steps.next();
  while (!r.done) r = steps.next(await f(r.value));
  return r.value;
}

/**
 * Simultaneous-perturbation stochastic approximation (Spall 1992/1998):
 * per iteration two evaluations f(θ ± c_kΔ), Δ Rademacher (±1), ĝ_i =
 * (f₊ − f₋)/(2c_kΔ_i), θ ← θ − a_k ĝ, with a_k = a/(k+1+A)^0.602 and
 * c_k = c/(k+1)^0.101 (Spall's asymptotically optimal exponents). Seeded.
 */
export class Spsa {
  readonly name = 'spsa';
  a: number | undefined;
  readonly c: number;
  readonly A: number;
  readonly alpha: number;
  readonly gamma: number;
  readonly targetMagnitude: number;
  readonly calibrationSteps: number;
  private readonly seed: number;
  private rng: Rng;
  /** Evaluations of f so far (calibration included). */
  evaluations = 0;

  constructor({ a, c = 0.1, A = 10, alpha = 0.602, gamma = 0.101, targetMagnitude = (2 * Math.PI) / 10, calibrationSteps = 25, seed = 0 }: SpsaOptions = {}) {
    this.a = a;
    this.c = c;
    this.A = A;
    this.alpha = alpha;
    this.gamma = gamma;
    this.targetMagnitude = targetMagnitude;
    this.calibrationSteps = calibrationSteps;
    this.seed = seed;
    this.rng = new Rng(seed);
  }

  private perturbation(n: number): Float64Array {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = this.rng.next() < 0.5 ? -1 : 1;
    return d;
  }

  /** Qiskit's SPSA.calibrate: pick a so that the first update has size ≈ targetMagnitude. */
  calibrate(params: Float64Array, f: (p: Float64Array) => number): number {
    return drive(this.calibrateSteps(params), f);
  }

  /** calibrate as steps: yields the points to evaluate, is resumed with f there. */
  *calibrateSteps(params: Float64Array): Generator<Float64Array, number, number> {
    const n = params.length, plus = new Float64Array(n), minus = new Float64Array(n);
    let avg = 0;
    for (let s = 0; s < this.calibrationSteps; s++) {
      const d = this.perturbation(n);
      for (let i = 0; i < n; i++) {
        plus[i] = params[i] + this.c * d[i];
        minus[i] = params[i] - this.c * d[i];
      }
      const fPlus = yield plus;
      const fMinus = yield minus;
      avg += Math.abs(fPlus - fMinus) / (2 * this.c);
      this.evaluations += 2;
    }
    avg /= this.calibrationSteps;
    this.a = avg > 0 ? (this.targetMagnitude / avg) * Math.pow(this.A + 1, this.alpha) : this.targetMagnitude;
    return this.a;
  }

  /**
   * One SPSA update of `params` (in place) at iteration k (0-based). Returns
   * the two evaluations and their mean, an estimate of f(params) before the step.
   */
  spsaStep(params: Float64Array, f: (p: Float64Array) => number, iteration: number): SpsaStepResult {
    return drive(this.stepSteps(params, iteration), f);
  }

  /** spsaStep as steps: yields the points to evaluate, is resumed with f there. */
  *stepSteps(params: Float64Array, iteration: number): Generator<Float64Array, SpsaStepResult, number> {
    if (this.a === undefined) yield* this.calibrateSteps(params);
    const n = params.length;
    const ak = this.a! / Math.pow(iteration + 1 + this.A, this.alpha);
    const ck = this.c / Math.pow(iteration + 1, this.gamma);
    const d = this.perturbation(n);
    const plus = new Float64Array(n), minus = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      plus[i] = params[i] + ck * d[i];
      minus[i] = params[i] - ck * d[i];
    }
    const fPlus = yield plus;
    const fMinus = yield minus;
    this.evaluations += 2;
    const diff = (fPlus - fMinus) / (2 * ck);
    for (let i = 0; i < n; i++) params[i] -= (ak * diff) / d[i];
    return { fPlus, fMinus, estimate: (fPlus + fMinus) / 2 };
  }

  reset(): void {
    this.rng = new Rng(this.seed);
    this.evaluations = 0;
  }
}

// ---------------------------------------------------------------- driver

export interface Evaluation {
  value: number;
  grad?: Float64Array;
}

export type Objective = (p: Float64Array) => Evaluation;

export interface MinimizeOptions {
  method: 'adam' | 'spsa' | 'lbfgs' | 'gd';
  /** Default 1000. */
  maxIterations?: number;
  /**
   * Convergence threshold. adam / gd / lbfgs: ‖grad‖∞ ≤ tolerance (lbfgs also
   * stops, converged, when a step changes f by ≤ 2.2e-9·max(1, |f|), SciPy's
   * ftol); spsa: the update
   * ‖Δθ‖∞ ≤ tolerance. Default 1e-6.
   */
  tolerance?: number;
  /** Called after every iteration with the current value and params; return false to stop. */
  onIteration?: (iteration: number, value: number, params: Float64Array) => void | boolean;
  adam?: AdamOptions;
  gd?: GradientDescentOptions;
  spsa?: SpsaOptions;
  /** L-BFGS history length. Default 10. */
  lbfgsMemory?: number;
}

export interface MinimizeResult {
  params: Float64Array;
  value: number;
  iterations: number;
  /** Objective value after each iteration (spsa: the mean of f(θ ± c_kΔ), no extra evaluation). */
  history: number[];
  converged: boolean;
  /** Number of objective evaluations. */
  evaluations: number;
}

function infNorm(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function needGrad(method: string, e: Evaluation, n: number): Float64Array {
  if (!e.grad) throw new Error(`minimize: method '${method}' needs a gradient — f must return {value, grad} (see withFiniteDifferences)`);
  if (e.grad.length !== n) throw new Error(`minimize: gradient has ${e.grad.length} entries for ${n} parameters`);
  return e.grad;
}

/**
 * Minimise f from x0 (x0 is not modified). Gradient methods need f to return
 * a gradient; 'spsa' uses only values.
 */
export function minimize(f: Objective, x0: ArrayLike<number>, opts: MinimizeOptions): MinimizeResult {
  return drive(minimizeSteps(x0, opts), f);
}

/** minimize against an objective that answers with a promise (a GPU backend). f must be done with p before it resolves. */
export function minimizeAsync(f: (p: Float64Array) => Promise<Evaluation> | Evaluation, x0: ArrayLike<number>, opts: MinimizeOptions): Promise<MinimizeResult> {
  return driveAsync(minimizeSteps(x0, opts), f);
}

type Steps<R> = Generator<Float64Array, R, Evaluation>;

/** The optimizers as steps: yields each point to evaluate (a buffer it reuses), resumed with f there. */
export function* minimizeSteps(x0: ArrayLike<number>, opts: MinimizeOptions): Steps<MinimizeResult> {
  const maxIterations = opts.maxIterations ?? 1000;
  const tol = opts.tolerance ?? 1e-6;
  const x = Float64Array.from(x0);
  const history: number[] = [];
  let evaluations = 0;
  function* evalF(p: Float64Array): Steps<Evaluation> {
    evaluations++;
    const e = yield p;
    if (!Number.isFinite(e.value)) throw new Error(`minimize: objective returned ${e.value}`);
    return e;
  }
  const report = (it: number, value: number): boolean => {
    history.push(value);
    return opts.onIteration?.(it, value, x) !== false;
  };

  switch (opts.method) {
    case 'adam':
    case 'gd': {
      const opt: Optimizer = opts.method === 'adam' ? new Adam(opts.adam) : new GradientDescent(opts.gd);
      let e = yield* evalF(x);
      let g = needGrad(opts.method, e, x.length);
      let it = 0, converged = infNorm(g) <= tol;
      while (!converged && it < maxIterations) {
        opt.step(x, g);
        it++;
        e = yield* evalF(x);
        g = needGrad(opts.method, e, x.length);
        converged = infNorm(g) <= tol;
        if (!report(it, e.value)) break;
      }
      return { params: x, value: e.value, iterations: it, history, converged, evaluations };
    }
    case 'spsa': {
      const spsa = new Spsa(opts.spsa);
      const prev = new Float64Array(x.length);
      let it = 0, converged = false;
      while (it < maxIterations) {
        prev.set(x);
        const { estimate } = yield* valuesOnly(spsa.stepSteps(x, it), evalF);
        it++;
        let change = 0;
        for (let i = 0; i < x.length; i++) change = Math.max(change, Math.abs(x[i] - prev[i]));
        converged = change <= tol;
        if (!report(it, estimate) || converged) break;
      }
      const last = yield* evalF(x);
      return { params: x, value: last.value, iterations: it, history, converged, evaluations };
    }
    case 'lbfgs':
      return yield* lbfgs(evalF, x, maxIterations, tol, opts.lbfgsMemory ?? 10, report, () => evaluations, history);
    default:
      throw new Error(`minimize: unknown method '${(opts as { method: string }).method}'`);
  }
}

/** SciPy L-BFGS-B's default relative function-change stop. */
const LBFGS_FTOL = 2.220446049250313e-9;

function* lbfgs(
  evalF: (p: Float64Array) => Steps<Evaluation>,
  x: Float64Array,
  maxIterations: number,
  tol: number,
  memory: number,
  report: (it: number, value: number) => boolean,
  evaluations: () => number,
  history: number[],
): Steps<MinimizeResult> {
  const n = x.length;
  let e = yield* evalF(x);
  let fx = e.value;
  let g: Float64Array = Float64Array.from(needGrad('lbfgs', e, n));
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const d = new Float64Array(n), xNew = new Float64Array(n), alphaBuf = new Float64Array(memory);
  let it = 0, converged = infNorm(g) <= tol;
  while (!converged && it < maxIterations) {
    // two-loop recursion: d = −H g
    d.set(g);
    for (let k = S.length - 1; k >= 0; k--) {
      const a = rho[k] * dot(S[k], d);
      alphaBuf[k] = a;
      for (let i = 0; i < n; i++) d[i] -= a * Y[k][i];
    }
    const gamma = S.length ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const b = rho[k] * dot(Y[k], d);
      for (let i = 0; i < n; i++) d[i] += S[k][i] * (alphaBuf[k] - b);
    }
    for (let i = 0; i < n; i++) d[i] = -d[i];
    let gd = dot(g, d);
    if (!(gd < 0)) {
      // not a descent direction (numerical trouble): restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i] / Math.max(1, Math.sqrt(dot(g, g)));
      gd = dot(g, d);
    }
    // weak-Wolfe bisection line search (c1 = 1e-4, c2 = 0.9)
    let lo = 0, hi = Infinity, t = 1;
    let accepted: { f: number; g: Float64Array; t: number } | null = null;
    let armijo: { f: number; g: Float64Array; t: number } | null = null;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + t * d[i];
      const en = yield* evalF(xNew);
      const gn = needGrad('lbfgs', en, n);
      if (en.value > fx + 1e-4 * t * gd || !Number.isFinite(en.value)) hi = t;
      else {
        armijo = { f: en.value, g: Float64Array.from(gn), t };
        if (dot(gn, d) < 0.9 * gd) lo = t;
        else {
          accepted = armijo;
          break;
        }
      }
      t = hi < Infinity ? (lo + hi) / 2 : 2 * lo;
    }
    accepted ??= armijo;
    if (!accepted) break; // no decrease possible along d: stop (not converged)
    const s = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = accepted.t * d[i];
      x[i] += s[i];
      y[i] = accepted.g[i] - g[i];
    }
    const fOld = fx;
    fx = accepted.f;
    g = accepted.g;
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    it++;
    converged = infNorm(g) <= tol || Math.abs(fOld - fx) <= LBFGS_FTOL * Math.max(1, Math.abs(fOld), Math.abs(fx));
    if (!report(it, fx)) break;
  }
  return { params: x, value: fx, iterations: it, history, converged, evaluations: evaluations() };
}

/** Runs value-only steps (SPSA) inside the Evaluation-answered steps of minimize. */
function* valuesOnly<R>(steps: Generator<Float64Array, R, number>, evalF: (p: Float64Array) => Steps<Evaluation>): Steps<R> {
  let r = steps.next();
  while (!r.done) r = steps.next((yield* evalF(r.value)).value);
  return r.value;
}

/**
 * Wrap a value-only function with a central-difference gradient
 * (2·n extra evaluations per call), so gradient methods can be used on it.
 */
export function withFiniteDifferences(f: (p: Float64Array) => number, h = 1e-6): Objective {
  return (p) => {
    const value = f(p);
    const grad = new Float64Array(p.length);
    const q = Float64Array.from(p);
    for (let i = 0; i < p.length; i++) {
      q[i] = p[i] + h;
      const fp = f(q);
      q[i] = p[i] - h;
      const fm = f(q);
      q[i] = p[i];
      grad[i] = (fp - fm) / (2 * h);
    }
    return { value, grad };
  };
}
