// Turns one image's slice of the model outputs into predictions, a unit vector and boxes. Shared by the server
// (onnxruntime-node) and the browser (onnxruntime-web) entries.
import { blobsAboveThreshold, classActivationMap, nonMaximumSuppression, upsampleNormalized, type ActivationMap } from './cam.ts';
import type { Pooling } from './model-files.ts';
import type { Box, LocalizeOptions, Prediction, Rect } from './types.ts';

/** The model's input is a fixed square; the network itself accepts any size ≥ 32, but one size keeps vectors comparable. */
export const INPUT_SIZE = 224;

export interface ClassifierHead {
  labels: string[];
  /** [classes, dim] row-major. */
  weights: Float32Array;
  dim: number;
}

/** "Egyptian_cat" → "Egyptian cat". */
export function displayLabel(raw: string): string {
  return raw.replace(/_/g, ' ');
}

export function topPredictions(probabilities: Float32Array, labels: string[], k: number): Prediction[] {
  const order = Array.from(probabilities.keys()).sort((a, b) => probabilities[b]! - probabilities[a]!);
  return order.slice(0, Math.max(1, k)).map((classId) => ({
    classId,
    label: labels[classId] ?? String(classId),
    score: probabilities[classId]!,
  }));
}

export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = norm > 0 ? vector[i]! / norm : 0;
  return out;
}

/**
 * One image's pooled vector from its feature map (NCHW without N), unnormalised. For 'avg' this equals the model's
 * `features` output; for 'gem' each channel is (mean of x³)^⅓ — the map is post-ReLU, so x ≥ 0.
 */
export function poolFeatureMap(map: FeatureMapSlice, pooling: Pooling): Float32Array {
  const hw = map.height * map.width;
  const out = new Float32Array(map.channels);
  for (let c = 0; c < map.channels; c++) {
    const base = c * hw;
    let sum = 0;
    if (pooling === 'avg') for (let i = 0; i < hw; i++) sum += map.data[base + i]!;
    else
      for (let i = 0; i < hw; i++) {
        const x = Math.max(0, map.data[base + i]!);
        sum += x * x * x;
      }
    out[c] = pooling === 'avg' ? sum / hw : Math.cbrt(sum / hw);
  }
  return out;
}

/** The part of a model output the post-processing reads; both onnxruntime-node's and onnxruntime-web's tensors fit. */
export interface OutputTensor {
  dims: readonly number[];
  data: unknown;
}

/** Image `n`'s slice of a batch's `feature_map` output, [N, C, H, W]. */
export function featureMapAt(tensor: OutputTensor, n: number): FeatureMapSlice {
  const [, channels, height, width] = tensor.dims as [number, number, number, number];
  const per = channels * height * width;
  return { data: (tensor.data as Float32Array).subarray(n * per, (n + 1) * per), channels, height, width };
}

/**
 * Image `n`'s unit vector: the model's own `features` output for 'avg', else the pooled feature map. Ask the session
 * for `features` (avg) or `feature_map` (gem) accordingly — `vectorOutput(pooling)`.
 */
export function imageVector(pooling: Pooling, n: number, features: OutputTensor | undefined, map: FeatureMapSlice | undefined): Float32Array {
  if (pooling === 'avg') {
    const dim = features!.dims[1]!;
    return l2Normalize((features!.data as Float32Array).subarray(n * dim, (n + 1) * dim));
  }
  return l2Normalize(poolFeatureMap(map!, pooling));
}

/** The model output the vector of a pooling is made from. */
export const vectorOutput = (pooling: Pooling): 'features' | 'feature_map' => (pooling === 'avg' ? 'features' : 'feature_map');

export const LOCALIZE_DEFAULTS = { topK: 3, minScore: 0.1, threshold: 0.3 } as const;

export interface FeatureMapSlice {
  data: Float32Array;
  channels: number;
  height: number;
  width: number;
}

/**
 * Boxes for the confident classes of one image, in original-image pixel coordinates. `region` is the part of the
 * image that was fed to the network (the whole image, or a crop), which the model saw stretched to INPUT_SIZE².
 */
export function localizeClasses(
  featureMap: FeatureMapSlice,
  head: ClassifierHead,
  predictions: Prediction[],
  region: Rect,
  options: LocalizeOptions = {},
): { boxes: Box[]; topMap: ActivationMap | undefined } {
  const topK = options.topK ?? LOCALIZE_DEFAULTS.topK;
  const minScore = options.minScore ?? LOCALIZE_DEFAULTS.minScore;
  const threshold = options.threshold ?? LOCALIZE_DEFAULTS.threshold;
  const chosen = predictions.slice(0, topK).filter((p, i) => i === 0 || p.score >= minScore);
  const sx = (region.x1 - region.x0) / INPUT_SIZE;
  const sy = (region.y1 - region.y0) / INPUT_SIZE;
  const boxes: Box[] = [];
  let topMap: ActivationMap | undefined;
  for (const p of chosen) {
    const map = classActivationMap(featureMap.data, featureMap.channels, featureMap.height, featureMap.width, head.weights, p.classId);
    topMap ??= map;
    const grid = upsampleNormalized(map, INPUT_SIZE, INPUT_SIZE);
    for (const blob of blobsAboveThreshold(grid, INPUT_SIZE, INPUT_SIZE, threshold)) {
      boxes.push({
        x0: Math.round(region.x0 + blob.x0 * sx),
        y0: Math.round(region.y0 + blob.y0 * sy),
        x1: Math.round(region.x0 + blob.x1 * sx),
        y1: Math.round(region.y0 + blob.y1 * sy),
        classId: p.classId,
        label: p.label,
        score: p.score * blob.mass,
      });
    }
  }
  return { boxes: nonMaximumSuppression(boxes, 0.5), topMap };
}
