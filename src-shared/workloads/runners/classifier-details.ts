// What a classifier run keeps to be drawn: the confusion matrix of its test
// predictions, and — for a dataset with two features — the model's decision
// over a small grid of that plane with the test points on it. Computed after
// the timed part of a run, never inside it.
import { confusionMatrix } from '../../ml/metrics';
import type { FeaturePlane } from '../data';

/** Rows: true class; columns: predicted class (test set). */
export interface ConfusionDetails {
  classes: string[];
  matrix: number[][];
}

export function confusionDetails(classes: string[], yTrue: ArrayLike<number>, yPred: ArrayLike<number>): ConfusionDetails {
  return { classes: classes.slice(), matrix: confusionMatrix(yTrue, yPred, classes.length) };
}

/** The model's decision over a grid of a two-feature plane (row-major: index = iy · nx + ix, from the low corner). */
export interface DecisionBoundary {
  features: [string, string];
  classes: string[];
  x: [number, number];
  y: [number, number];
  nx: number;
  ny: number;
  /** Predicted class per cell. */
  predicted: number[];
  /** The model's continuous output per cell where it has one (QNN: ⟨Z₀⟩; a binary SVM: its decision value). */
  score?: number[];
  /** What the score is, in words. */
  scoreName?: string;
  /** Test points: x, y, true class, predicted class. */
  test: [number, number, number, number][];
}

/** Cells per side of the stored grid: 40 × 40 keeps a run's details small. */
export const GRID_SIDE = 40;
/** At most this many test points are stored with the boundary. */
const MAX_POINTS = 400;

const round = (v: number, digits = 4) => Number(v.toPrecision(digits));

/** The grid's corners (the data's range with a 5% margin) and its cell centres as (x, y) pairs. */
export function planeGrid(plane: FeaturePlane, side = GRID_SIDE): { x: [number, number]; y: [number, number]; points: Float64Array } {
  const lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
  for (const pts of [plane.train, plane.test])
    for (let i = 0; i < pts.length; i += 2)
      for (let d = 0; d < 2; d++) {
        lo[d] = Math.min(lo[d], pts[i + d]);
        hi[d] = Math.max(hi[d], pts[i + d]);
      }
  const span = [0, 1].map((d) => (hi[d] > lo[d] ? hi[d] - lo[d] : 1));
  const x: [number, number] = [lo[0] - 0.05 * span[0], hi[0] + 0.05 * span[0]];
  const y: [number, number] = [lo[1] - 0.05 * span[1], hi[1] + 0.05 * span[1]];
  const points = new Float64Array(side * side * 2);
  for (let iy = 0; iy < side; iy++)
    for (let ix = 0; ix < side; ix++) {
      const k = 2 * (iy * side + ix);
      points[k] = x[0] + ((ix + 0.5) / side) * (x[1] - x[0]);
      points[k + 1] = y[0] + ((iy + 0.5) / side) * (y[1] - y[0]);
    }
  return { x, y, points };
}

export function decisionBoundary(
  plane: FeaturePlane,
  grid: ReturnType<typeof planeGrid>,
  predicted: ArrayLike<number>,
  testTrue: ArrayLike<number>,
  testPred: ArrayLike<number>,
  score?: { values: ArrayLike<number>; name: string },
): DecisionBoundary {
  const side = Math.round(Math.sqrt(grid.points.length / 2));
  const test: DecisionBoundary['test'] = [];
  const n = Math.min(testTrue.length, plane.test.length / 2, MAX_POINTS);
  for (let i = 0; i < n; i++) test.push([round(plane.test[2 * i]), round(plane.test[2 * i + 1]), testTrue[i], testPred[i]]);
  return {
    features: plane.featureNames,
    classes: plane.classNames.slice(),
    x: [round(grid.x[0], 6), round(grid.x[1], 6)],
    y: [round(grid.y[0], 6), round(grid.y[1], 6)],
    nx: side,
    ny: side,
    predicted: Array.from(predicted),
    ...(score ? { score: Array.from(score.values, (v) => round(v)), scoreName: score.name } : {}),
    test,
  };
}
