// @loupe/detection — public API.
export { createDetector } from './detector.ts';
export type { CropClassifier, DetectedObject, Detection, DetectOptions, Detector, DetectorInfo, DetectorOptions } from './types.ts';

// Classes, decoding and fusion
export { COCO_LABELS, type CocoLabel } from './coco.ts';
export { DETECT_DEFAULTS, decodeDetections, nonMaxSuppression } from './decoding.ts';
export { cocoFromImagenet, FUSION_DEFAULTS, fuseObjects } from './fusion.ts';
export { detectorBoxes, objectForImagenetClass, type ClassBoxSource } from './classify-box.ts';
export { IMAGENET_TO_COCO, imagenetToCocoMap } from './imagenet-to-coco.ts';

// Model files
export { DETECTOR_FILES, DETECTOR_INPUT_SIZE, DETECTOR_MODEL_ID, type DetectorManifest } from './model-files.ts';
export { DETECTOR_BUILD_COMMAND, defaultDetectorModelDir, loadDetectorFiles, verifyDetectorModel } from './model-store.ts';
