// The little linear algebra the feature post-processing needs: PCA (top-d eigenvectors of the covariance, by
// randomized subspace iteration — never forming the 2048 × 2048 covariance), whitening, and a symmetric Jacobi
// eigen-solver for the small projected problem. Plain typed-array loops; fine for n ≤ a few thousand.
import { rng } from './common.ts';

export interface Pca {
  dim: number;
  /** Components kept. */
  d: number;
  mean: Float32Array;
  /** d × dim, rows = principal directions, largest variance first. */
  components: Float32Array;
  /** d variances along the components. */
  eigenvalues: Float64Array;
}

/** Symmetric eigen-decomposition (cyclic Jacobi) of a k × k matrix; returns eigenvalues and column eigenvectors. */
export function jacobiEigen(a: Float64Array, k: number, maxSweeps = 60): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(k * k);
  for (let i = 0; i < k; i++) V[i * k + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += A[p * k + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = A[p * k + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = A[p * k + p]!;
        const aqq = A[q * k + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = A[r * k + p]!;
          const arq = A[r * k + q]!;
          A[r * k + p] = c * arp - s * arq;
          A[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = A[p * k + r]!;
          const aqr = A[q * k + r]!;
          A[p * k + r] = c * apr - s * aqr;
          A[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = V[r * k + p]!;
          const vrq = V[r * k + q]!;
          V[r * k + p] = c * vrp - s * vrq;
          V[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = A[i * k + i]!;
  return { values, vectors: V };
}

/** Orthonormalises the k columns of a dim × k row-major matrix in place (modified Gram–Schmidt, twice). */
function orthonormalizeColumns(Q: Float64Array, dim: number, k: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let r = 0; r < dim; r++) dot += Q[r * k + i]! * Q[r * k + j]!;
        for (let r = 0; r < dim; r++) Q[r * k + j]! -= dot * Q[r * k + i]!;
      }
      let norm = 0;
      for (let r = 0; r < dim; r++) norm += Q[r * k + j]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let r = 0; r < dim; r++) Q[r * k + j]! /= norm;
    }
  }
}

/**
 * PCA of the n rows of X (n × dim): mean and the top `d` components, by subspace iteration with `oversample` extra
 * directions and `iterations` power steps (plenty for the fast-decaying spectra of CNN features).
 */
export function fitPca(X: Float32Array, n: number, dim: number, d: number, options: { iterations?: number; oversample?: number; seed?: number } = {}): Pca {
  const k = Math.min(d + (options.oversample ?? 12), dim, n);
  const iterations = options.iterations ?? 4;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) mean[c]! += X[i * dim + c]!;
  for (let c = 0; c < dim; c++) mean[c]! /= n;
  const Xc = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) Xc[i * dim + c] = X[i * dim + c]! - mean[c]!;

  const r = rng(options.seed ?? 7);
  let Q = new Float64Array(dim * k);
  for (let i = 0; i < Q.length; i++) Q[i] = r() - 0.5;
  orthonormalizeColumns(Q, dim, k);
  const Z = new Float64Array(n * k);
  const project = () => {
    // Z = Xc · Q  (n × k)
    Z.fill(0);
    for (let i = 0; i < n; i++) {
      const zi = i * k;
      for (let c = 0; c < dim; c++) {
        const x = Xc[i * dim + c]!;
        if (x === 0) continue;
        const qc = c * k;
        for (let j = 0; j < k; j++) Z[zi + j]! += x * Q[qc + j]!;
      }
    }
  };
  for (let it = 0; it < iterations; it++) {
    project();
    // Y = Xcᵀ · Z  (dim × k)
    const Y = new Float64Array(dim * k);
    for (let i = 0; i < n; i++) {
      const zi = i * k;
      for (let c = 0; c < dim; c++) {
        const x = Xc[i * dim + c]!;
        if (x === 0) continue;
        const yc = c * k;
        for (let j = 0; j < k; j++) Y[yc + j]! += x * Z[zi + j]!;
      }
    }
    orthonormalizeColumns(Y, dim, k);
    Q = Y;
  }
  project();
  // B = Zᵀ Z / (n − 1): the covariance restricted to span(Q).
  const B = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const zi = i * k;
    for (let a = 0; a < k; a++) {
      const za = Z[zi + a]!;
      for (let b = a; b < k; b++) B[a * k + b]! += za * Z[zi + b]!;
    }
  }
  for (let a = 0; a < k; a++)
    for (let b = a; b < k; b++) {
      B[a * k + b]! /= n - 1;
      B[b * k + a] = B[a * k + b]!;
    }
  const { values, vectors } = jacobiEigen(B, k);
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const keep = Math.min(d, k);
  const components = new Float32Array(keep * dim);
  const eigenvalues = new Float64Array(keep);
  for (let t = 0; t < keep; t++) {
    const col = order[t]!;
    eigenvalues[t] = Math.max(0, values[col]!);
    for (let c = 0; c < dim; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += Q[c * k + j]! * vectors[j * k + col]!;
      components[t * dim + c] = s;
    }
  }
  return { dim, d: keep, mean: Float32Array.from(mean), components, eigenvalues };
}

/**
 * Projects rows onto the PCA components (minus the mean), scaling component i by (λᵢ + ε)^(−power/2) — power 1 is
 * full whitening, 0 plain PCA — and L2-normalises the result.
 */
export function applyPca(X: Float32Array, n: number, pca: Pca, options: { power?: number; epsilonRatio?: number } = {}): Float32Array {
  const { dim, d, mean, components, eigenvalues } = pca;
  const power = options.power ?? 1;
  const eps = (options.epsilonRatio ?? 1e-4) * (eigenvalues[0] ?? 1);
  const scale = Float64Array.from(eigenvalues, (l) => (l + eps) ** (-power / 2));
  const out = new Float32Array(n * d);
  const centred = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dim; c++) centred[c] = X[i * dim + c]! - mean[c]!;
    let norm = 0;
    for (let t = 0; t < d; t++) {
      let s = 0;
      const base = t * dim;
      for (let c = 0; c < dim; c++) s += centred[c]! * components[base + c]!;
      s *= scale[t]!;
      out[i * d + t] = s;
      norm += s * s;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let t = 0; t < d; t++) out[i * d + t]! *= inv;
  }
  return out;
}

/** Subtracts a mean vector from every row and L2-normalises. */
export function centre(X: Float32Array, n: number, dim: number, mean: Float32Array): Float32Array {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let c = 0; c < dim; c++) {
      const v = X[i * dim + c]! - mean[c]!;
      out[i * dim + c] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < dim; c++) out[i * dim + c]! *= inv;
  }
  return out;
}

export function meanRow(X: Float32Array, n: number, dim: number): Float32Array {
  const m = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) m[c]! += X[i * dim + c]!;
  return Float32Array.from(m, (v) => v / n);
}
