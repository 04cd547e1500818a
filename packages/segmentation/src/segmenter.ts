// Instance masks for boxes the detector found, with no segmentation network: the backbone's class activation map on
// the object's own crop, run at 448×448 (a 14×14 map instead of the photo's 7×7), says where the object is; GrabCut
// (colour models + graph cut on image edges) turns that coarse map into a pixel-accurate outline inside the box.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import {
  classActivationMap,
  CorruptImageError,
  DEFAULT_MAX_PIXELS,
  InvalidInputError,
  probeImage,
  upsampleNormalized,
  type ActivationMap,
  type ClassifierHead,
  type Embedder,
  type FeatureMapResult,
  type ImageSource,
  type Logger,
  type Rect,
} from '@loupe/embedding';
import { SegmentationError } from './errors.ts';
import { loadOpenCv, type OpenCv } from './opencv.ts';
import type { PlacedMask } from './rle.ts';

export type MaskMethod = 'grabcut' | 'cam' | 'box';

export interface SegmenterOptions {
  /** The backbone that gives the crop's classes and feature map (not disposed by the segmenter). */
  embedder: Embedder;
  /** 'grabcut' (default): CAM seeds refined by GrabCut; 'cam': the thresholded CAM alone; 'box': the filled box. */
  method?: MaskMethod;
  /** Input side for the crop's forward pass (default 448 → a 14×14 map). */
  inputSize?: number;
  /** GrabCut runs on the box (plus margin) shrunk to this long side (default 160): its cost grows with pixels. */
  workSide?: number;
  /** GrabCut iterations (default 4). */
  iterations?: number;
  /** GrabCut: CAM (0..1 over the box and its margin) below which a pixel in the box starts as "probably background". */
  backgroundBelow?: number;
  /** GrabCut: CAM at or above which a pixel is "surely object" (default 0.85). */
  sureThreshold?: number;
  /** 'cam' method: the CAM threshold of the mask. */
  camThreshold?: number;
  /** Refuse images whose header declares more pixels than this (default 100 MP), as the embedder does. */
  maxPixels?: number;
  logger?: Logger;
}

/** An object to outline: its box in the image's pixels (x1/y1 exclusive), and optionally the ImageNet classes to map. */
export interface ObjectBox extends Rect {
  /** ImageNet class ids whose CAM marks the object; by default the crop's own top predictions. */
  classIds?: number[];
}

export interface ObjectMask {
  /** The box in whole pixels, clamped to the image: the mask covers exactly this rectangle. */
  box: Rect;
  /** Row-major, box-sized, 1 = object; `x0`/`y0` place it in the image. */
  mask: PlacedMask;
  /** Pixels inside the mask. */
  area: number;
}

export interface SegmentResult {
  width: number;
  height: number;
  masks: ObjectMask[];
}

export interface Segmenter {
  /** One mask per box, in order. The image is decoded once and the crops share one batched forward pass. */
  segment(image: ImageSource, objects: ObjectBox[]): Promise<SegmentResult>;
}

interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

const GC_BGD = 0;
const GC_FGD = 1;
const GC_PR_BGD = 2;
const GC_PR_FGD = 3;
/** Share of the box's size added around it so GrabCut sees background to learn its colours from. */
const MARGIN = 0.15;
/** A GrabCut mask smaller than this share of its box is taken for a failure (the object erased). */
const MIN_SHARE = 0.05;
/** How many of the crop's predictions make its CAM when no classes are given. */
const CAM_CLASSES = 3;

async function decodeRgb(source: ImageSource, maxPixels: number): Promise<RgbImage> {
  if (typeof source === 'object' && !(source instanceof Uint8Array)) {
    const { data, width, height, channels } = source;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || (channels !== 3 && channels !== 4) || data?.length !== width * height * channels)
      throw new InvalidInputError(`raw image must be width × height × channels (3 or 4) bytes, got ${data?.length} for ${width}×${height}×${channels}`);
    if (channels === 3) return { data: Uint8Array.from(data), width, height, channels: 3 };
    const rgb = await sharp(Buffer.from(data), { raw: { width, height, channels: 4 } }).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer();
    return { data: new Uint8Array(rgb), width, height, channels: 3 };
  }
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readFile(source);
    } catch (error) {
      throw new InvalidInputError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  } else bytes = source;
  const { format } = await probeImage(bytes, maxPixels);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated', pages: 1 })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  } catch (error) {
    throw new CorruptImageError(`cannot decode the ${format} image: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}

/** The box in whole pixels inside the image; INVALID_OBJECT if it is not a finite box with some area there. */
function pixelBox(object: ObjectBox, width: number, height: number, index: number): Rect {
  const { x0, y0, x1, y1 } = object ?? ({} as ObjectBox);
  if (![x0, y0, x1, y1].every(Number.isFinite))
    throw new SegmentationError('INVALID_OBJECT', `object ${index}: a box needs finite x0, y0, x1, y1, got ${JSON.stringify(object)}`);
  const box = {
    x0: Math.max(0, Math.floor(x0)),
    y0: Math.max(0, Math.floor(y0)),
    x1: Math.min(width, Math.ceil(x1)),
    y1: Math.min(height, Math.ceil(y1)),
  };
  if (box.x1 - box.x0 < 2 || box.y1 - box.y0 < 2)
    throw new SegmentationError('INVALID_OBJECT', `object ${index}: box ${JSON.stringify({ x0, y0, x1, y1 })} has less than 2×2 pixels inside the ${width}×${height} image`);
  return box;
}

/** The CAM of the given classes, or of the crop's top predictions weighted by their probabilities. */
function objectCam(result: FeatureMapResult, head: ClassifierHead, classIds: number[] | undefined): ActivationMap {
  const { data, channels, height, width } = result.featureMap;
  const weighted = classIds?.length
    ? classIds.map((classId) => ({ classId, weight: 1 }))
    : result.predictions.slice(0, CAM_CLASSES).map((p) => ({ classId: p.classId, weight: p.score }));
  const values = new Float32Array(height * width);
  for (const { classId, weight } of weighted) {
    if (!Number.isInteger(classId) || classId < 0 || classId * head.dim >= head.weights.length)
      throw new SegmentationError('INVALID_OBJECT', `class id ${classId} is not one of the head's ${head.labels.length} classes`);
    const cam = classActivationMap(data, channels, height, width, head.weights, classId);
    for (let i = 0; i < values.length; i++) values[i]! += weight * cam.values[i]!;
  }
  return { values, width, height };
}

function countOnes(data: Uint8Array): number {
  let n = 0;
  for (const v of data) n += v;
  return n;
}

/** Nearest-neighbour resize of a 0/1 mask, then a 3×3 majority vote to soften the staircase. */
function resizeMask(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / dh));
    for (let x = 0; x < dw; x++) out[y * dw + x] = src[sy * sw + Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / dw))]!;
  }
  return out;
}

export function createSegmenter(options: SegmenterOptions): Segmenter {
  const { embedder } = options;
  if (!embedder) throw new InvalidInputError('createSegmenter needs { embedder }');
  const head = embedder.classifierHead();
  const method = options.method ?? 'grabcut';
  const inputSize = options.inputSize ?? 448;
  const workSide = options.workSide ?? 160;
  const iterations = options.iterations ?? 4;
  const backgroundBelow = options.backgroundBelow ?? 0.2;
  const sureThreshold = options.sureThreshold ?? 0.85;
  const camThreshold = options.camThreshold ?? 0.3;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;

  /** The box plus a margin of background, clamped to the image: what the CAM and GrabCut look at. */
  function windowOf(box: Rect, image: { width: number; height: number }): Rect {
    const mx = Math.round((box.x1 - box.x0) * MARGIN);
    const my = Math.round((box.y1 - box.y0) * MARGIN);
    return { x0: Math.max(0, box.x0 - mx), y0: Math.max(0, box.y0 - my), x1: Math.min(image.width, box.x1 + mx), y1: Math.min(image.height, box.y1 + my) };
  }

  /** The CAM over the window, normalised 0..1, sampled on a w × h grid of the box. */
  function camInBox(cam: ActivationMap, win: Rect, box: Rect, w: number, h: number): Float32Array {
    const ww = win.x1 - win.x0;
    const wh = win.y1 - win.y0;
    const grid = upsampleNormalized(cam, ww, wh);
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      const gy = Math.min(wh - 1, Math.floor(box.y0 - win.y0 + ((y + 0.5) * (box.y1 - box.y0)) / h));
      for (let x = 0; x < w; x++) {
        const gx = Math.min(ww - 1, Math.floor(box.x0 - win.x0 + ((x + 0.5) * (box.x1 - box.x0)) / w));
        out[y * w + x] = grid[gy * ww + gx]!;
      }
    }
    return out;
  }

  async function grabCut(cv: OpenCv, image: RgbImage, box: Rect, win: Rect, cam: ActivationMap, bgBelow = backgroundBelow): Promise<Uint8Array> {
    const bw = box.x1 - box.x0;
    const bh = box.y1 - box.y0;
    const ww = win.x1 - win.x0;
    const wh = win.y1 - win.y0;
    // GrabCut's cost grows with pixels: it runs on the window shrunk so its long side is at most workSide.
    const scale = Math.min(1, workSide / Math.max(ww, wh));
    const sw = Math.max(2, Math.round(ww * scale));
    const sh = Math.max(2, Math.round(wh * scale));
    const pixels = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } })
      .extract({ left: win.x0, top: win.y0, width: ww, height: wh })
      .resize(sw, sh, { kernel: 'linear', fit: 'fill' })
      .raw()
      .toBuffer();
    // The box inside the work window, in work pixels.
    const bx0 = Math.round((box.x0 - win.x0) * (sw / ww));
    const by0 = Math.round((box.y0 - win.y0) * (sh / wh));
    const bx1 = Math.max(bx0 + 1, Math.round((box.x1 - win.x0) * (sw / ww)));
    const by1 = Math.max(by0 + 1, Math.round((box.y1 - win.y0) * (sh / wh)));
    const seeds = camInBox(cam, win, box, bx1 - bx0, by1 - by0);
    const img = cv.matFromArray(sh, sw, cv.CV_8UC3, Array.from(pixels));
    const labels = new cv.Mat(sh, sw, cv.CV_8UC1, new cv.Scalar(GC_BGD));
    const bgdModel = new cv.Mat();
    const fgdModel = new cv.Mat();
    try {
      // Outside the box: surely background. Inside: probably object (as GrabCut's own box start), except where the
      // CAM says background (below backgroundBelow) or surely object (at or above sureThreshold).
      let l = labels.data;
      for (let y = by0; y < by1; y++)
        for (let x = bx0; x < bx1; x++) {
          const s = seeds[(y - by0) * (bx1 - bx0) + (x - bx0)]!;
          l[y * sw + x] = s >= sureThreshold ? GC_FGD : s < bgBelow ? GC_PR_BGD : GC_PR_FGD;
        }
      cv.grabCut(img, labels, new cv.Rect(0, 0, 1, 1), bgdModel, fgdModel, iterations, cv.GC_INIT_WITH_MASK);
      // A fresh view: if the wasm heap grew during grabCut, the one taken before reads a detached buffer.
      l = labels.data;
      const small = new Uint8Array((bx1 - bx0) * (by1 - by0));
      for (let y = by0; y < by1; y++)
        for (let x = bx0; x < bx1; x++) {
          const v = l[y * sw + x]!;
          small[(y - by0) * (bx1 - bx0) + (x - bx0)] = v === GC_FGD || v === GC_PR_FGD ? 1 : 0;
        }
      return resizeMask(small, bx1 - bx0, by1 - by0, bw, bh);
    } catch (error) {
      throw new SegmentationError('OPENCV_FAILED', `GrabCut failed: ${typeof error === 'number' ? `OpenCV exception ${error}` : (error as Error).message}`, { cause: error });
    } finally {
      img.delete();
      labels.delete();
      bgdModel.delete();
      fgdModel.delete();
    }
  }

  function camMask(box: Rect, win: Rect, cam: ActivationMap): Uint8Array {
    const bw = box.x1 - box.x0;
    const bh = box.y1 - box.y0;
    const grid = camInBox(cam, win, box, bw, bh);
    const out = new Uint8Array(bw * bh);
    for (let i = 0; i < out.length; i++) out[i] = grid[i]! >= camThreshold ? 1 : 0;
    return out;
  }

  return {
    async segment(source, objects) {
      if (!Array.isArray(objects)) throw new SegmentationError('INVALID_OBJECT', 'objects must be an array of boxes');
      const image = await decodeRgb(source, maxPixels);
      const boxes = objects.map((o, i) => pixelBox(o, image.width, image.height, i));
      if (boxes.length === 0) return { width: image.width, height: image.height, masks: [] };
      const windows = boxes.map((box) => windowOf(box, image));
      const maps =
        method === 'box' ? [] : await embedder.featureMaps(windows.map((region) => ({ source: image, region })), { inputSize, topK: CAM_CLASSES });
      const cv = method === 'grabcut' ? (await loadOpenCv()).cv : undefined;
      const masks: ObjectMask[] = [];
      for (const [i, box] of boxes.entries()) {
        const bw = box.x1 - box.x0;
        const bh = box.y1 - box.y0;
        let data: Uint8Array;
        if (method === 'box') data = new Uint8Array(bw * bh).fill(1);
        else {
          const cam = objectCam(maps[i]!, head, objects[i]!.classIds);
          data = cv ? await grabCut(cv, image, box, windows[i]!, cam) : camMask(box, windows[i]!, cam);
          // A box holds an object: when a misplaced CAM let GrabCut erase it, start again from the box alone.
          if (cv && countOnes(data) < MIN_SHARE * data.length) data = await grabCut(cv, image, box, windows[i]!, cam, 0);
        }
        const area = countOnes(data);
        masks.push({ box, mask: { data, width: bw, height: bh, x0: box.x0, y0: box.y0 }, area });
      }
      options.logger?.debug?.({ objects: boxes.length, method }, 'segmented');
      return { width: image.width, height: image.height, masks };
    },
  };
}
