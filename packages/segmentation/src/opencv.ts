// OpenCV's wasm build (@techstark/opencv-js), loaded once per process on first use: its ~10 MB module takes about half
// a second to compile, so nothing pays for it until a mask is asked for.
import cvModule from '@techstark/opencv-js';
import { SegmentationError } from './errors.ts';

export type OpenCv = typeof cvModule;

let loading: Promise<{ cv: OpenCv }> | undefined;

/**
 * The ready module, wrapped: Emscripten's module object has a `then` method, so awaiting it (or returning it from an
 * async function) makes JavaScript adopt it as a thenable again and again — a hang. Never await `cv` itself.
 */
export function loadOpenCv(): Promise<{ cv: OpenCv }> {
  loading ??= (async () => {
    const module = cvModule as unknown;
    // Some builds export a promise of the module; others the module, which calls onRuntimeInitialized when compiled.
    const cv = (module instanceof Promise ? ((await module) as OpenCv) : (module as OpenCv)) as OpenCv & { onRuntimeInitialized?: () => void };
    if (typeof cv.Mat !== 'function') await new Promise<void>((resolve) => (cv.onRuntimeInitialized = resolve));
    if (typeof cv.grabCut !== 'function') throw new SegmentationError('OPENCV_FAILED', 'this OpenCV build has no grabCut');
    return { cv };
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
