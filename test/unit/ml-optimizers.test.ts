import { describe, expect, it } from 'vitest';
import { Adam, GradientDescent, Spsa, minimize, minimizeAsync, withFiniteDifferences, type Evaluation } from '../../src-shared/ml/optimizers';

const rosenbrock = (p: Float64Array): Evaluation => {
  const x = p[0], y = p[1];
  return {
    value: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    grad: Float64Array.from([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]),
  };
};

// f(x) = ½ Σ d_i (x_i − c_i)², minimum 0 at c
const D = [1, 3, 0.5, 2];
const CENTER = [1, -2, 0.5, 3];
const quadratic = (p: Float64Array): Evaluation => {
  let value = 0;
  const grad = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const r = p[i] - CENTER[i];
    value += 0.5 * D[i] * r * r;
    grad[i] = D[i] * r;
  }
  return { value, grad };
};

function dist(p: Float64Array, target: number[]): number {
  return Math.sqrt(target.reduce((a, t, i) => a + (p[i] - t) ** 2, 0));
}

describe('optimizer steps', () => {
  it('Adam: first step is lr·sign(g); reset forgets the moments', () => {
    const adam = new Adam({ lr: 0.1 });
    const p = Float64Array.from([1, 1]);
    adam.step(p, Float64Array.from([4, -0.01]));
    expect(p[0]).toBeCloseTo(0.9, 6);
    expect(p[1]).toBeCloseTo(1.1, 6);
    adam.step(p, Float64Array.from([4, -0.01]));
    expect(p[0]).toBeCloseTo(0.8, 6);
    adam.reset();
    const q = Float64Array.from([0]);
    adam.step(q, Float64Array.from([-2]));
    expect(q[0]).toBeCloseTo(0.1, 6);
    expect(() => adam.step(q, new Float64Array(2))).toThrow(/gradient has 2 entries/);
  });

  it('GradientDescent: heavy-ball momentum recursion', () => {
    const gd = new GradientDescent({ lr: 0.1, momentum: 0.5 });
    const p = Float64Array.from([0]);
    const g = Float64Array.from([1]);
    gd.step(p, g); // v = 1
    expect(p[0]).toBeCloseTo(-0.1, 12);
    gd.step(p, g); // v = 1.5
    expect(p[0]).toBeCloseTo(-0.25, 12);
    const plain = new GradientDescent({ lr: 0.1, momentum: 0 });
    const q = Float64Array.from([0]);
    plain.step(q, g);
    plain.step(q, g);
    expect(q[0]).toBeCloseTo(-0.2, 12);
    expect(() => new GradientDescent({ momentum: 1 })).toThrow(/momentum/);
  });

  it('SPSA: standard gains, Rademacher perturbation, seeded', () => {
    const f = (p: Float64Array) => quadratic(p).value;
    const a = new Spsa({ a: 0.5, c: 0.2, A: 5, seed: 3 });
    const p = Float64Array.from([0, 0, 0, 0]);
    const before = Float64Array.from(p);
    const r = a.spsaStep(p, f, 0);
    // one update: Δθ_i = −a_0 (f₊ − f₋)/(2c_0 Δ_i) with a_0 = 0.5/6^0.602, c_0 = 0.2
    const a0 = 0.5 / Math.pow(6, 0.602);
    const diff = (r.fPlus - r.fMinus) / (2 * 0.2);
    for (let i = 0; i < 4; i++) expect(Math.abs(p[i] - before[i])).toBeCloseTo(a0 * Math.abs(diff), 12);
    expect(r.estimate).toBeCloseTo((r.fPlus + r.fMinus) / 2, 12);
    const b = new Spsa({ a: 0.5, c: 0.2, A: 5, seed: 3 });
    const q = new Float64Array(4);
    b.spsaStep(q, f, 0);
    expect(q).toEqual(p);
    // c_k = c/(k+1)^0.101: for f(x) = x₀, f₊ − f₋ = 2 c_k Δ₀ = ±2 c_k
    const s = new Spsa({ a: 1, c: 0.3, seed: 1 });
    const r5 = s.spsaStep(new Float64Array(2), (x) => x[0], 5);
    expect(Math.abs(r5.fPlus - r5.fMinus)).toBeCloseTo(2 * (0.3 / Math.pow(6, 0.101)), 12);
  });

  it('SPSA calibration picks a so the first step is ≈ targetMagnitude', () => {
    const f = (p: Float64Array) => 3 * p[0] + 4 * p[1]; // |ĝ·Δ| is always 3 ± 4 → mean |.| = 4
    const s = new Spsa({ c: 0.1, A: 0, targetMagnitude: 0.5, seed: 2 });
    s.calibrate(new Float64Array(2), f);
    expect(s.a).toBeGreaterThan(0.5 / 7 - 1e-9);
    expect(s.a).toBeLessThan(0.5 / 1 + 1e-9);
  });
});

describe('minimize', () => {
  it('every method finds the minimum of a quadratic', () => {
    const x0 = [0, 0, 0, 0];
    const settings = {
      lbfgs: { maxIterations: 100 },
      adam: { maxIterations: 5000, adam: { lr: 0.05 } },
      gd: { maxIterations: 5000, gd: { lr: 0.1, momentum: 0.5 } },
      spsa: { maxIterations: 3000, spsa: { a: 0.5, c: 0.1, A: 50, seed: 1 } },
    } as const;
    for (const method of ['lbfgs', 'adam', 'gd', 'spsa'] as const) {
      const r = minimize(method === 'spsa' ? (p) => ({ value: quadratic(p).value }) : quadratic, x0, { method, tolerance: 1e-8, ...settings[method] });
      expect(dist(r.params, CENTER), method).toBeLessThan(method === 'spsa' ? 1e-2 : 1e-6);
      expect(r.value, method).toBeLessThan(method === 'spsa' ? 1e-4 : 1e-10);
      expect(r.history.length).toBe(r.iterations);
      if (method !== 'spsa') expect(r.converged, method).toBe(true);
    }
  });

  it('Rosenbrock from (−1.2, 1): L-BFGS, Adam and GD converge to (1, 1); L-BFGS in far fewer iterations', () => {
    const lb = minimize(rosenbrock, [-1.2, 1], { method: 'lbfgs', maxIterations: 200, tolerance: 1e-8 });
    const adam = minimize(rosenbrock, [-1.2, 1], { method: 'adam', maxIterations: 20_000, tolerance: 1e-6, adam: { lr: 0.02 } });
    const gd = minimize(rosenbrock, [-1.2, 1], { method: 'gd', maxIterations: 20_000, tolerance: 1e-6, gd: { lr: 1e-3, momentum: 0.9 } });
    for (const [name, r] of [['lbfgs', lb], ['adam', adam], ['gd', gd]] as const) {
      expect(r.converged, name).toBe(true);
      expect(dist(r.params, [1, 1]), name).toBeLessThan(1e-4);
    }
    expect(lb.iterations).toBeLessThan(60);
    expect(lb.iterations * 20).toBeLessThan(adam.iterations);
    expect(lb.evaluations).toBeLessThan(100);
    expect(lb.history[lb.history.length - 1]).toBe(lb.value);
    // L-BFGS history is monotone (every step satisfies the Armijo condition)
    for (let i = 1; i < lb.history.length; i++) expect(lb.history[i]).toBeLessThanOrEqual(lb.history[i - 1]);
  });

  it('SPSA converges on Rosenbrock with Spall\'s gain guidelines (A ≈ 10 % of the budget) and is seeded', () => {
    const f = (p: Float64Array) => ({ value: rosenbrock(p).value });
    const opts = { method: 'spsa', maxIterations: 50_000, tolerance: 0, spsa: { a: 0.1, c: 0.01, A: 5000, seed: 1 } } as const;
    const r = minimize(f, [-1.2, 1], opts);
    expect(dist(r.params, [1, 1])).toBeLessThan(2e-2);
    expect(r.value).toBeLessThan(1e-3); // from 24.2
    expect(r.evaluations).toBe(2 * 50_000 + 1);
    expect(minimize(f, [-1.2, 1], opts).params).toEqual(r.params);
    const other = minimize(f, [-1.2, 1], { ...opts, spsa: { ...opts.spsa, seed: 2 } });
    expect(other.params).not.toEqual(r.params);
    expect(dist(other.params, [1, 1])).toBeLessThan(2e-2);
  });

  it('onIteration sees every iteration and can stop early; x0 is not modified', () => {
    const seen: number[] = [];
    const x0 = Float64Array.from([-1.2, 1]);
    const r = minimize(rosenbrock, x0, {
      method: 'adam',
      maxIterations: 1000,
      onIteration: (it, value) => {
        seen.push(it);
        expect(Number.isFinite(value)).toBe(true);
        return it < 5;
      },
    });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(r.iterations).toBe(5);
    expect(r.converged).toBe(false);
    expect(Array.from(x0)).toEqual([-1.2, 1]);
  });

  it('errors: gradient methods need a gradient; unknown method', () => {
    expect(() => minimize((p) => ({ value: p[0] ** 2 }), [1], { method: 'lbfgs' })).toThrow(/needs a gradient/);
    expect(() => minimize(quadratic, [0, 0, 0, 0], { method: 'newton' as 'lbfgs' })).toThrow(/unknown method/);
    expect(() => minimize(() => ({ value: NaN, grad: new Float64Array(1) }), [0], { method: 'gd' })).toThrow(/NaN/);
  });

  it('withFiniteDifferences approximates the gradient and lets L-BFGS run value-only', () => {
    const fd = withFiniteDifferences((p) => rosenbrock(p).value);
    const p = Float64Array.from([0.3, -0.7]);
    const g = fd(p).grad!, exact = rosenbrock(p).grad!;
    expect(g[0]).toBeCloseTo(exact[0], 5);
    expect(g[1]).toBeCloseTo(exact[1], 5);
    const r = minimize(fd, [-1.2, 1], { method: 'lbfgs', maxIterations: 200, tolerance: 1e-6 });
    expect(dist(r.params, [1, 1])).toBeLessThan(1e-3);
  });
});

describe('minimizeAsync', () => {
  // One algorithm, two drivers: an objective that answers later (a GPU
  // backend) must see the same points and give the same result, bit for bit.
  for (const method of ['lbfgs', 'adam', 'gd', 'spsa'] as const) {
    it(`${method}: same iterates and result as minimize`, async () => {
      const opts = { method, maxIterations: 60, tolerance: 1e-10, adam: { lr: 0.02 }, gd: { lr: 1e-3 }, spsa: { seed: 7 } };
      const seenSync: number[] = [], seenAsync: number[] = [];
      const sync = minimize((p) => (seenSync.push(p[0], p[1]), rosenbrock(p)), [-1.2, 1], opts);
      const later = await minimizeAsync(async (p) => {
        seenAsync.push(p[0], p[1]);
        await new Promise((r) => setTimeout(r, 0));
        return rosenbrock(p);
      }, [-1.2, 1], opts);
      expect(later.iterations).toBe(sync.iterations);
      expect(later.evaluations).toBe(sync.evaluations);
      expect(later.value).toBe(sync.value);
      expect(Array.from(later.params)).toEqual(Array.from(sync.params));
      expect(later.history).toEqual(sync.history);
      expect(seenAsync).toEqual(seenSync);
      expect(sync.evaluations).toBeGreaterThan(10);
    });
  }

  it('a rejected evaluation rejects the minimisation', async () => {
    await expect(minimizeAsync(async () => Promise.reject(new Error('device lost')), [0, 0], { method: 'lbfgs' })).rejects.toThrow('device lost');
  });
});
