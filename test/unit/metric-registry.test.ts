// The metric registry and its formatter: labels in words, units, which way is
// better, significant digits, SI prefixes, and how two values compare.
import { describe, expect, it } from 'vitest';
import {
  describeMetric, formatDifference, formatMetric, formatRatio, formatTick, isSpreadCompanion, metricContext, metricDirection, metricHeading, observableLabel, ratioOf, storedUnit, verdict,
} from '../../src-shared/analysis/metric-registry';
import { formatNumberSig, formatSeconds, formatSI, scientific, trimZeros } from '../../src-shared/analysis/units';

describe('labels and units', () => {
  it('names the keys the workloads write, in words, with the unit apart', () => {
    expect(describeMetric('us_per_sample_batch32')).toMatchObject({ label: 'Time per sample (batch 32)', unit: 'µs', better: 'lower', known: true });
    expect(describeMetric('ms_per_iteration')).toMatchObject({ label: 'Time per iteration', unit: 'ms' });
    expect(describeMetric('qnn_us_per_sample_1000')).toMatchObject({ label: 'QNN training time per sample (1,000 samples)', unit: 'µs' });
    expect(describeMetric('qsvm_kernel_s_500').label).toBe('QSVM kernel time (500 samples)');
    expect(describeMetric('test_accuracy')).toMatchObject({ label: 'Test accuracy', unit: '%', better: 'higher' });
    expect(describeMetric('rbf-svm_accuracy').label).toBe('RBF-SVM: test accuracy');
    expect(describeMetric('logistic-regression_fit_ms')).toMatchObject({ label: 'Logistic regression: fit time', unit: 'ms' });
    expect(describeMetric('iterations')).toMatchObject({ label: 'Iterations', better: 'neutral' });
    expect(metricHeading('ms_per_epoch')).toBe('Time per training epoch (ms)');
    expect(metricHeading('energy')).toBe('Energy');
  });

  it('reads spread companions as their metric with the statistic', () => {
    expect(describeMetric('us_per_sample_batch32_ci_lo')).toMatchObject({ label: 'Time per sample (batch 32) (95% CI low)', unit: 'µs', companion: { of: 'us_per_sample_batch32', stat: 'ci_lo' } });
    expect(describeMetric('ms_per_iteration_max').label).toBe('Time per iteration (max)');
    expect(isSpreadCompanion('ms_per_iteration_min')).toBe(true);
    expect(isSpreadCompanion('latency_us_max')).toBe(false); // a metric of its own (the worst latency)
    expect(describeMetric('latency_us_max').label).toBe('Latency, worst');
  });

  it('names observables by their Pauli text when the run has it, with subscript qubits', () => {
    const ctx = metricContext({ details: { observables: ['Z0*Z1', '0.5*Z0 - 0.25*X2 + Y1'] } });
    expect(describeMetric('expectation_0', ctx).label).toBe('⟨Z₀Z₁⟩');
    expect(describeMetric('expectation_1', ctx).label).toBe('⟨0.5 Z₀ − 0.25 X₂ + Y₁⟩');
    expect(describeMetric('expectation_1').label).toBe('Expectation value 2'); // an old run without its observables
    expect(observableLabel('-Z12')).toBe('⟨−Z₁₂⟩');
    expect(observableLabel('not an observable')).toBe('⟨not an observable⟩');
    expect(metricContext(null)).toEqual({});
    expect(metricContext({ details: { observables: 'Z0' } })).toEqual({});
  });

  it('reads an unknown key as well as it can, and says it is unknown', () => {
    expect(describeMetric('ms_widget_build')).toMatchObject({ label: 'Widget build', unit: 'ms', better: 'lower', known: false });
    expect(describeMetric('us_per_widget').label).toBe('Time per widget');
    expect(describeMetric('frobnication').label).toBe('Frobnication');
    expect(formatMetric('ms_widget_build', 1234)).toBe('1.23 s');
  });
});

describe('numbers as a paper prints them', () => {
  it('keeps three significant digits and chooses the SI prefix', () => {
    expect(formatMetric('us_per_sample_batch32', 13.3149)).toBe('13.3 µs');
    expect(formatMetric('ms_per_iteration', 2.0566)).toBe('2.06 ms');
    expect(formatMetric('us_per_sample_batch32', 2056.55)).toBe('2.06 ms');
    expect(formatMetric('ms_per_iteration', 0.275)).toBe('275 µs');
    expect(formatMetric('s_total', 0.0412)).toBe('41.2 ms');
    expect(formatMetric('s_total', 1.5)).toBe('1.50 s');
    expect(formatMetric('classical_s_total', 1020)).toBe('17.0 min');
    expect(formatMetric('us_per_sample_batch32', 999.96)).toBe('1.00 ms'); // rounds up into the next prefix
    expect(formatMetric('gb_per_s', 4.2)).toBe('4.20 GB/s');
    expect(formatMetric('samples_per_s', 16_667)).toBe('16.7k samples/s');
    expect(formatSI(0.000_5, 'B/s')).toBe('500 µB/s');
    expect(formatSeconds(606e-3)).toBe('606 ms');
    expect(formatSeconds(22.754e-6)).toBe('22.8 µs');
  });

  it('prints fractions as percentages, counts grouped, tiny and huge numbers in scientific notation', () => {
    expect(formatMetric('test_accuracy', 0.92)).toBe('92.0%');
    expect(formatMetric('test_accuracy', 1)).toBe('100%');
    expect(formatMetric('iterations', 1024)).toBe('1,024');
    expect(formatMetric('truncation_loss', 3.6158e-3)).toBe('0.00362');
    expect(formatMetric('gradient_max_rel_error', 2.75e-4)).toBe('2.75 × 10⁻⁴');
    expect(formatMetric('truncation_loss', 0.3618)).toBe('0.362');
    expect(scientific(1.5e7)).toBe('1.50 × 10⁷');
    expect(formatNumberSig(2056.55)).toBe('2,057');
    expect(formatNumberSig(0)).toBe('0.00');
    expect(formatMetric('x', null)).toBe('—');
    expect(formatMetric('energy', NaN)).toBe('—');
  });

  it('draws axis ticks as round values, and says what unit an export\'s raw number is in', () => {
    expect(formatTick('ms_per_iteration', 2)).toBe('2 ms');
    expect(formatTick('test_accuracy', 0.9)).toBe('90%');
    expect(formatTick('energy', -13.5)).toBe('−13.5');
    expect(formatTick('gradient_max_rel_error', 1e-4)).toBe('1 × 10⁻⁴');
    expect(trimZeros('1,000 and 10.50 s')).toBe('1,000 and 10.5 s');
    expect(storedUnit('us_per_sample_batch32')).toBe('µs');
    expect(storedUnit('test_accuracy')).toBe('fraction');
    expect(storedUnit('gb_per_s')).toBe('GB/s');
    expect(storedUnit('energy')).toBe('');
  });

  it('gives energies more digits and a true minus sign', () => {
    expect(formatMetric('energy', -17.03214)).toBe('−17.032');
    expect(formatMetric('exact_energy', -15.5)).toBe('−15.500');
    expect(formatMetric('energy_error', 1.2e-4)).toBe('1.20 × 10⁻⁴');
  });
});

describe('comparing two values', () => {
  it('takes ratios only of strictly positive quantities', () => {
    expect(ratioOf('ms_per_iteration', 2, 1)).toBe(0.5);
    expect(formatRatio(0.5)).toBe('0.500×');
    expect(ratioOf('energy', -17.03, -15.51)).toBeNull(); // signed: a ratio would say 0.911× of a higher energy
    expect(ratioOf('exact_energy', -17, -17)).toBeNull();
    expect(ratioOf('expectation_0', 0.5, 1)).toBeNull();
    expect(ratioOf('test_accuracy', 0.8, 0.9)).toBeNull(); // bounded: compared in percentage points
    expect(ratioOf('approximation_ratio_expected', 0.8, 0.9)).toBeNull();
    expect(ratioOf('ms_per_iteration', 0, 1)).toBeNull();
  });

  it('prints differences with their sign and unit', () => {
    expect(formatDifference('energy', -15.51 - -17.03)).toBe('+1.52');
    expect(formatDifference('energy', -1.52)).toBe('−1.52');
    expect(formatDifference('ms_per_iteration', 1.52)).toBe('+1.52 ms');
    expect(formatDifference('us_per_sample_batch32', -0.4)).toBe('−400 ns');
    expect(formatDifference('test_accuracy', 0.025)).toBe('+2.50 pp');
    expect(formatDifference('iterations', -12)).toBe('−12');
    expect(formatDifference('energy', 0)).toBe('±0');
  });

  it('colours by the metric’s direction; neither for neutral ones; a signed error by its size', () => {
    expect(verdict('energy', -17.03, -15.51)).toBe('worse');
    expect(verdict('ms_per_iteration', 2, 1)).toBe('better');
    expect(verdict('test_accuracy', 0.9, 0.95)).toBe('better');
    expect(verdict('energy_error', 1e-3, -1e-4)).toBe('better');
    expect(verdict('exact_energy', -17, -15)).toBeNull();
    expect(verdict('expectation_0', 0, 1)).toBeNull();
    expect(metricDirection('final_d_loss')).toBeNull(); // a GAN's losses are not better low
    expect(metricDirection('qnn_per_sample_drift')).toBe('lower');
  });
});
