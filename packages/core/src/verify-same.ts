// Geometric verification of a "same" match (issue #19). The cosine of two GeM vectors says two images look alike; it
// cannot tell a crop of one photo from another photo of a similar scene (a held-out photo of horses scores 0.77
// against a catalog photo of a person, a dog and a horse, above the catalog's "same" threshold). Two copies of one
// photo share its local structure: ORB keypoints of the one map onto the other's by a single homography. So a "same"
// candidate is checked by matching ORB features (Hamming distance, Lowe's ratio test) and counting the matches that
// RANSAC finds consistent with one homography; the query's mirror image is tried too (a flipped copy).
//
// The inlier threshold is a documented constant, not tuned on the benchmark's held-out photos nor measured per catalog:
// on the benchmark's catalog half of the committed photos (tests/fixtures/photos, 7 photos), the calibration's own
// edits (relevance.ts CALIBRATION_EDITS, the three that stay ≥ minSide px) kept 102–937 inliers against their
// originals, and the 42 ordered pairs of different catalog photos reached at most 9 (ARCHITECTURE.md, "same"
// verification). 25 sits between the two: ~3× the pairs' maximum, ~4× under the edits' minimum.
//
// The grayscale is contrast-stretched (normalised) before ORB: FAST's fixed threshold otherwise finds almost no
// keypoints in a darkened copy of a low-texture photo (a half-brightness copy of orange.jpg: 0 inliers, 530 after).
//
// An image too small for ORB to find enough keypoints (a thumbnail) is not judged: the check stands aside (null) and
// the cosine's verdict stays.
import sharp, { type Sharp } from 'sharp';
import { decodeRGB, type ImageInput } from '@loupe/embedding';
import { loadOpenCv, type OpenCv } from '@loupe/segmentation';

export const SAME_VERIFICATION = {
  /** Images are matched in grayscale, scaled to this many pixels on their long side at most. */
  maxSide: 480,
  /** Below this many pixels on its short side (as given), an image is not judged: the cosine decides. */
  minSide: 160,
  features: 1000,
  /** Lowe's ratio test: a match is kept when its distance is below this share of the second-best one's. */
  ratio: 0.8,
  /** RANSAC's reprojection error, in pixels of the ≤ maxSide images. */
  reprojection: 5,
  /** Homography inliers from which two images are the same photo. */
  inliers: 25,
} as const;

interface Features {
  /** x, y of each keypoint. */
  points: Float32Array;
  /** 32 bytes per keypoint. */
  descriptors: Uint8Array;
  count: number;
}

type Cv = OpenCv & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the wasm module's typings lack ORB/BFMatcher vectors

interface Gray {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A one-channel sharp pipeline's pixels. */
async function grayFrom(image: Sharp): Promise<Gray> {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height), width: info.width, height: info.height };
}

/** Grayscale, ≤ maxSide; null when the image is too small to judge. Regions of a query are cut out first. */
async function grayOf(input: ImageInput): Promise<Gray | null> {
  const { rgb } = await decodeRGB(input);
  if (Math.min(rgb.width, rgb.height) < SAME_VERIFICATION.minSide) return null;
  return grayFrom(
    sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: rgb.channels } })
      .flatten({ background: '#ffffff' })
      .resize({ width: SAME_VERIFICATION.maxSide, height: SAME_VERIFICATION.maxSide, fit: 'inside', withoutEnlargement: true })
      .toColourspace('b-w')
      .normalise(),
  );
}

/** The mirror image of a grayscale (after the resize, so that both have the same size). */
function mirrorOf(gray: Gray): Promise<Gray> {
  return grayFrom(sharp(gray.data, { raw: { width: gray.width, height: gray.height, channels: 1 } }).flop().toColourspace('b-w'));
}

function featuresOf(cv: Cv, gray: Gray): Features {
  const image = new cv.Mat(gray.height, gray.width, cv.CV_8UC1);
  image.data.set(gray.data);
  const orb = new cv.ORB(SAME_VERIFICATION.features);
  const keypoints = new cv.KeyPointVector();
  const descriptors = new cv.Mat();
  const noMask = new cv.Mat();
  try {
    orb.detectAndCompute(image, noMask, keypoints, descriptors);
    const count = descriptors.rows as number;
    const points = new Float32Array(2 * count);
    for (let i = 0; i < count; i++) {
      const { pt } = keypoints.get(i) as { pt: { x: number; y: number } };
      points[2 * i] = pt.x;
      points[2 * i + 1] = pt.y;
    }
    return { points, descriptors: new Uint8Array(descriptors.data as Uint8Array), count };
  } finally {
    for (const m of [image, orb, keypoints, descriptors, noMask]) m.delete();
  }
}

function descriptorMat(cv: Cv, f: Features) {
  const mat = new cv.Mat(f.count, 32, cv.CV_8UC1);
  mat.data.set(f.descriptors);
  return mat;
}

/** RANSAC inliers of the ratio-test matches from a to b. */
function inliersOf(cv: Cv, a: Features, b: Features): number {
  if (a.count < 2 || b.count < 2) return 0;
  const da = descriptorMat(cv, a);
  const db = descriptorMat(cv, b);
  const matcher = new cv.BFMatcher(cv.NORM_HAMMING, false);
  const knn = new cv.DMatchVectorVector();
  const src: number[] = [];
  const dst: number[] = [];
  try {
    matcher.knnMatch(da, db, knn, 2);
    for (let i = 0; i < knn.size(); i++) {
      const pair = knn.get(i);
      if (pair.size() >= 2) {
        const best = pair.get(0) as { queryIdx: number; trainIdx: number; distance: number };
        const second = pair.get(1) as { distance: number };
        if (best.distance < SAME_VERIFICATION.ratio * second.distance) {
          src.push(a.points[2 * best.queryIdx]!, a.points[2 * best.queryIdx + 1]!);
          dst.push(b.points[2 * best.trainIdx]!, b.points[2 * best.trainIdx + 1]!);
        }
      }
      pair.delete?.();
    }
  } finally {
    for (const m of [da, db, matcher, knn]) m.delete();
  }
  const n = src.length / 2;
  if (n < 4) return 0; // a homography needs four points
  const from = cv.matFromArray(n, 1, cv.CV_32FC2, src);
  const to = cv.matFromArray(n, 1, cv.CV_32FC2, dst);
  const mask = new cv.Mat();
  let homography;
  try {
    homography = cv.findHomography(from, to, cv.RANSAC, SAME_VERIFICATION.reprojection, mask);
    return mask.empty() ? 0 : (cv.countNonZero(mask) as number);
  } finally {
    for (const m of [from, to, mask, homography]) m?.delete();
  }
}

/** The query's features, straight, and mirrored once a candidate needs them (most copies match straight). */
interface QueryFeatures {
  straight: Features;
  mirrored: () => Promise<Features>;
}

async function prepare(input: ImageInput): Promise<QueryFeatures | null> {
  const gray = await grayOf(input);
  if (!gray) return null;
  const { cv } = await loadOpenCv(); // wrapped: never await the module itself
  let mirrored: Promise<Features> | undefined;
  return { straight: featuresOf(cv as Cv, gray), mirrored: () => (mirrored ??= mirrorOf(gray).then((m) => featuresOf(cv as Cv, m))) };
}

/** A stored original: its key names its bytes for good (content-addressed), so its features can be kept. */
export interface StoredCandidate {
  key: string;
  read: () => Promise<Uint8Array>;
}

/**
 * Features of recently checked originals, by key, least recently used first out: reading, decoding and describing an
 * original is most of a check's cost (~0.2 s of ~0.3 s here), and the same items come back as "same" again and again.
 * ~40 KB each; null where the original is too small to judge.
 */
const CANDIDATE_CACHE = 256;
const candidateFeatures = new Map<string, Features | null>();

async function featuresOfCandidate(candidate: Uint8Array | StoredCandidate): Promise<Features | null> {
  const key = candidate instanceof Uint8Array ? undefined : candidate.key;
  if (key !== undefined && candidateFeatures.has(key)) {
    const hit = candidateFeatures.get(key)!;
    candidateFeatures.delete(key); // move to the most recent end
    candidateFeatures.set(key, hit);
    return hit;
  }
  const gray = await grayOf(candidate instanceof Uint8Array ? candidate : await candidate.read());
  const { cv } = await loadOpenCv();
  const features = gray ? featuresOf(cv as Cv, gray) : null;
  if (key !== undefined) {
    candidateFeatures.set(key, features);
    if (candidateFeatures.size > CANDIDATE_CACHE) candidateFeatures.delete(candidateFeatures.keys().next().value!);
  }
  return features;
}

/** The RANSAC inliers of the better of the query and its mirror image against one candidate, or null (too small). */
async function inliersAgainst(query: QueryFeatures, candidate: Uint8Array | StoredCandidate): Promise<number | null> {
  const target = await featuresOfCandidate(candidate);
  if (!target) return null;
  const { cv } = await loadOpenCv();
  const straight = inliersOf(cv as Cv, query.straight, target);
  if (straight >= SAME_VERIFICATION.inliers) return straight;
  return Math.max(straight, inliersOf(cv as Cv, await query.mirrored(), target));
}

export interface SameCheck {
  /**
   * Whether the candidate (a stored original, or its bytes) is the same photo as the query: true or false by its
   * inlier count, or null where either image is too small to judge (the cosine's verdict stays).
   */
  isSame(candidate: Uint8Array | StoredCandidate): Promise<{ same: boolean; inliers: number } | null>;
  /** True once the query has been described (its image is no longer held, only its features). */
  readonly prepared: boolean;
}

/** A check against one query image, loaded, decoded and described once, on the first candidate. */
export function sameCheck(query: () => Promise<ImageInput>): SameCheck {
  let load: (() => Promise<ImageInput>) | undefined = query;
  let prepared: Promise<QueryFeatures | null> | undefined;
  return {
    get prepared() {
      return prepared !== undefined;
    },
    async isSame(candidate) {
      if (!prepared) {
        prepared = load!().then(prepare);
        load = undefined; // the features are kept, the image let go
      }
      const features = await prepared;
      if (!features) return null;
      const inliers = await inliersAgainst(features, candidate);
      return inliers === null ? null : { same: inliers >= SAME_VERIFICATION.inliers, inliers };
    },
  };
}

/** Inliers between two images (the first one's mirror image tried too); null where either is too small. */
export async function sameImageInliers(query: ImageInput, candidate: Uint8Array): Promise<number | null> {
  const features = await prepare(query);
  return features ? inliersAgainst(features, candidate) : null;
}
