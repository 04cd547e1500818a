// The detector: CenterNet through onnxruntime-node on the embedder's execution-provider choice, one decode per image
// (full resolution: the network's input and the fusion crops both come from it).
import * as ort from 'onnxruntime-node';
import { DEFAULT_MAX_PIXELS, decodeImage, decodeRGB, DisposedError, InvalidInputError, openSession, type ProviderSession } from '@loupe/embedding';
import { DETECT_DEFAULTS, decodeDetections, nonMaxSuppression } from './decoding.ts';
import { FUSION_DEFAULTS, fuseObjects } from './fusion.ts';
import { DETECTOR_INPUT_SIZE } from './model-files.ts';
import { loadDetectorFiles } from './model-store.ts';
import type { DetectOptions, Detection, Detector, DetectorInfo, DetectorOptions } from './types.ts';

function checkOptions(o: DetectOptions): void {
  if (o.minScore !== undefined && !(o.minScore >= 0 && o.minScore <= 1)) throw new InvalidInputError(`minScore must be between 0 and 1, got ${o.minScore}`);
  if (o.maxObjects !== undefined && !(Number.isInteger(o.maxObjects) && o.maxObjects >= 1))
    throw new InvalidInputError(`maxObjects must be a positive integer, got ${o.maxObjects}`);
  if (o.iouThreshold !== undefined && !(o.iouThreshold > 0 && o.iouThreshold <= 1))
    throw new InvalidInputError(`iouThreshold must be in (0, 1], got ${o.iouThreshold}`);
}

export async function createDetector(options: DetectorOptions = {}): Promise<Detector> {
  checkOptions(options);
  const files = await loadDetectorFiles(options.modelDir);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const size = DETECTOR_INPUT_SIZE;
  let session: ProviderSession | undefined = await openSession(files.onnxPath, options.device ?? 'auto', {
    threads: options.threads,
    providerOptions: options.providerOptions,
    logger: options.logger,
  });
  const classifier = options.classifier;

  return {
    async detect(image, opts = {}): Promise<Detection> {
      if (!session) throw new DisposedError();
      checkOptions(opts);
      const minScore = opts.minScore ?? options.minScore ?? DETECT_DEFAULTS.minScore;
      const maxObjects = opts.maxObjects ?? options.maxObjects ?? DETECT_DEFAULTS.maxObjects;
      const iouThreshold = opts.iouThreshold ?? options.iouThreshold ?? DETECT_DEFAULTS.iouThreshold;
      const vectors = opts.vectors ?? options.vectors ?? false;
      if (vectors && !classifier) throw new InvalidInputError('object vectors need the detector to be created with a classifier');
      const fuse = Boolean(classifier) && (opts.fuse ?? options.fuse ?? true);
      const crops = fuse || vectors; // one pass over the crops gives both the fused labels and the vectors

      const decoded = await decodeRGB(image, maxPixels);
      const { pixels } = await decodeImage(decoded.rgb, size);
      const out = await session.run({ images: new ort.Tensor('float32', Float32Array.from(pixels), [1, size, size, 3]) }, ['detections']);
      const rows = out.detections!.data as Float32Array;
      const candidateMin = fuse ? Math.min(minScore, FUSION_DEFAULTS.candidateMinScore, FUSION_DEFAULTS.proposalMinScore) : minScore;
      const found = decodeDetections(rows, size, decoded.region, { minScore: candidateMin, iouThreshold });
      let objects = found.objects;
      if (crops && classifier) {
        // Crops only of candidates that could make the cut (at most twice the objects asked for); a relabelled box can
        // then duplicate another box of its new class, so suppression runs again.
        const candidates = objects.filter((o) => o.score >= (fuse ? Math.min(minScore, FUSION_DEFAULTS.candidateMinScore) : minScore)).slice(0, 2 * maxObjects);
        objects = nonMaxSuppression(await fuseObjects(candidates, found.proposals, decoded, classifier, { vectors, relabel: fuse }), iouThreshold);
      }
      objects = objects.filter((o) => o.score >= minScore).slice(0, maxObjects);
      return { width: decoded.width, height: decoded.height, objects };
    },
    info(): DetectorInfo {
      if (!session) throw new DisposedError();
      return { modelId: files.manifest.id, provider: session.provider, skipped: [...session.skipped], inputSize: [size, size], fusion: Boolean(classifier) };
    },
    async dispose() {
      const current = session;
      session = undefined;
      await current?.release();
    },
  };
}
