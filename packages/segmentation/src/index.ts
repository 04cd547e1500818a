// @loupe/segmentation — instance masks for detected objects, and COCO RLE.
export { createSegmenter, type MaskMethod, type ObjectBox, type ObjectMask, type Segmenter, type SegmenterOptions, type SegmentResult } from './segmenter.ts';
export { decodeRle, encodePlaced, encodeRle, maskArea, maskIoU, type BinaryMask, type PlacedMask, type Rle } from './rle.ts';
export { maskPng } from './png.ts';
export { SegmentationError, type SegmentationErrorCode } from './errors.ts';
export { loadOpenCv, type OpenCv } from './opencv.ts';
