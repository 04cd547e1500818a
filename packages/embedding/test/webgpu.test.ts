// The WebGPU execution provider, for real: runs where a Vulkan driver is available — in CI, Mesa's software driver
// (lavapipe) unpacked by scripts/lavapipe.sh. Requested with LOUPE_TEST_WEBGPU=1, and then the environment MUST be
// there (a missing driver fails these tests instead of skipping them):
//
//   eval "$(bash scripts/lavapipe.sh)" && LOUPE_TEST_WEBGPU=1 npm test -w @loupe/embedding
//
// Slow on lavapipe (a CPU pretending to be a GPU: seconds per image, plus shader compilation per session), so it
// uses three photos for the full comparison and one for the embedder.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { createEmbedder, ProviderUnavailableError, type Logger } from '../src/index.ts';
import { decodeImage } from '../src/decode.ts';
import { loadModelFiles } from '../src/model-store.ts';
import { INPUT_SIZE, l2Normalize, localizeClasses, topPredictions } from '../src/postprocess.ts';
import { toNHWCBatch } from '../src/preprocess.ts';
import { createSession, openSession, vulkanDrivers, webgpuUnavailableReason, type ProviderSession } from '../src/providers.ts';
import { GraphBuilder } from '../src/onnx-graph.ts';
import { cosine, maxAbsDiff, PHOTOS } from './helpers.ts';

const requested = process.env.LOUPE_TEST_WEBGPU === '1';
const HOW = 'eval "$(bash scripts/lavapipe.sh)" && LOUPE_TEST_WEBGPU=1 npm test -w @loupe/embedding';
const PHOTO_SET = ['cat.jpg', 'espresso.jpg', 'dog-bicycle-truck.jpg'];
const TOLERANCE = 1e-4;

/** Fails (never skips) when the WebGPU environment was asked for but is not there. */
function requireEnvironment(): void {
  const reason = webgpuUnavailableReason();
  assert.equal(reason, undefined, `LOUPE_TEST_WEBGPU=1 but WebGPU cannot be tried: ${reason}. Set it up with: ${HOW}`);
  const drivers = vulkanDrivers();
  assert.ok(drivers.length > 0, `LOUPE_TEST_WEBGPU=1 but no Vulkan driver manifest was found (VK_DRIVER_FILES=${process.env.VK_DRIVER_FILES ?? ''}). ${HOW}`);
  for (const d of drivers.filter((d) => d.library.startsWith('/')))
    assert.ok(existsSync(d.library), `the Vulkan driver ${d.library} named by ${d.manifest} does not exist`);
}

function capture(): { logger: Logger; warnings: Array<{ obj: object; msg: string }>; infos: string[] } {
  const warnings: Array<{ obj: object; msg: string }> = [];
  const infos: string[] = [];
  return {
    logger: {
      info: (_o, msg) => void infos.push(String(msg)),
      warn: (obj, msg) => void warnings.push({ obj: typeof obj === 'string' ? {} : obj, msg: String(msg) }),
    },
    warnings,
    infos,
  };
}

/** y = Concat(x × 15) along axis 0. Fine on WebGPU for small x; past ~8 MB per input the output needs two storage
 * buffer segments on an adapter with 128 MiB bindings (lavapipe), and the shader then needs 17 storage buffers where
 * the adapter allows 16: the WebGPU kernel fails *at run time*, while the CPU provider runs it. A real GPU-side failure,
 * no mock. */
function concatModel(): Uint8Array {
  const g = new GraphBuilder();
  g.node('Concat', Array<string>(15).fill('x'), { axis: 0 }, 'y');
  return g.encode({ name: 'concat15', inputs: [{ name: 'x', shape: ['m', 4096] }], outputs: [{ name: 'y', shape: ['n', 4096] }] });
}

function rows(m: number): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.from({ length: m * 4096 }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5), [m, 4096]);
}

type Outputs = Record<'probabilities' | 'features' | 'feature_map', ort.Tensor>;

if (!requested) {
  it(`WebGPU tests not requested: set LOUPE_TEST_WEBGPU=1 with a Vulkan driver (${HOW})`, (t) => {
    t.diagnostic('webgpu.test.ts ran nothing: LOUPE_TEST_WEBGPU is not 1 (scripts/test-all.sh sets it when lavapipe is available)');
  });
} else {
  describe('WebGPU execution provider (LOUPE_TEST_WEBGPU=1)', () => {
    it('the WebGPU environment is present (libvulkan.so.1 and a Vulkan driver)', () => {
      requireEnvironment();
    });

    it('provider options reach ONNX Runtime itself (an invalid preferredLayout is refused by its WebGPU factory)', async () => {
      requireEnvironment();
      const tiny = new GraphBuilder();
      tiny.node('Relu', ['x'], {}, 'y');
      const bytes = tiny.encode({ name: 'relu', inputs: [{ name: 'x', shape: ['n'] }], outputs: [{ name: 'y', shape: ['n'] }] });
      await assert.rejects(
        createSession(bytes, 'webgpu', { providerOptions: { webgpu: { preferredLayout: 'XYZ' } } }),
        (e) => e instanceof ProviderUnavailableError && e.provider === 'webgpu' && /Invalid preferred layout: XYZ/.test(e.message),
      );
      const ok = await createSession(bytes, 'webgpu', { providerOptions: { webgpu: { preferredLayout: 'NHWC' } }, requireFullGpuPlacement: true });
      assert.equal(ok.provider, 'webgpu');
      await ok.session.release();
    });

    it('requireFullGpuPlacement has teeth: a model with a node WebGPU cannot run (Sum) is refused, and accepted without it', async () => {
      requireEnvironment();
      const g = new GraphBuilder();
      g.node('Sum', ['x', 'x', 'x'], {}, 'y'); // no WebGPU kernel for Sum in onnxruntime 1.30: it would run on the CPU
      const bytes = g.encode({ name: 'sum', inputs: [{ name: 'x', shape: ['n'] }], outputs: [{ name: 'y', shape: ['n'] }] });
      await assert.rejects(
        createSession(bytes, 'webgpu', { requireFullGpuPlacement: true }),
        (e) => e instanceof ProviderUnavailableError && /not every node of the model can run on webgpu/.test(e.message),
      );
      const mixed = await createSession(bytes, 'webgpu');
      assert.equal(mixed.provider, 'webgpu');
      await mixed.session.release();
    });

    it("'auto' does not choose WebGPU when the only Vulkan driver is a software one", async (t) => {
      requireEnvironment();
      if (!vulkanDrivers().every((d) => d.software)) return t.skip('a hardware Vulkan driver is present');
      const g = new GraphBuilder();
      g.node('Relu', ['x'], {}, 'y');
      const bytes = g.encode({ name: 'relu', inputs: [{ name: 'x', shape: ['n'] }], outputs: [{ name: 'y', shape: ['n'] }] });
      const choice = await createSession(bytes, 'auto');
      assert.notEqual(choice.provider, 'webgpu');
      assert.match(choice.skipped.find((s) => s.provider === 'webgpu')!.reason, /only a software Vulkan driver/);
      await choice.session.release();
    });

    it('a GPU run that fails falls back to the CPU for that very run, once, and the CPU stays', async (t) => {
      requireEnvironment();
      const { logger, warnings } = capture();
      const session: ProviderSession = await openSession(concatModel(), 'webgpu', { requireFullGpuPlacement: true, logger });
      const cpu = await createSession(concatModel(), 'cpu');
      try {
        const small = rows(2);
        const a = await session.run({ x: small });
        assert.equal(session.provider, 'webgpu', 'a small input runs on the GPU');
        assert.deepEqual(a.y!.dims, [30, 4096]);
        assert.equal(maxAbsDiff(a.y!.data as Float32Array, (await cpu.session.run({ x: small })).y!.data as Float32Array), 0);

        const big = rows(1000); // 15 × 16 MB output
        const b = await session.run({ x: big });
        if (session.provider === 'webgpu') return t.skip('this adapter ran the large Concat: the run-time failure it is calibrated for (lavapipe) did not happen');
        const expected = (await cpu.session.run({ x: big })).y!.data as Float32Array;
        assert.deepEqual(b.y!.dims, [15000, 4096]);
        assert.equal(maxAbsDiff(b.y!.data as Float32Array, expected), 0, 'the failed batch was rerun on the CPU, nothing lost');
        assert.equal(session.provider, 'cpu');
        assert.equal(warnings.length, 1);
        assert.match(warnings[0]!.msg, /webgpu failed during a run; using cpu from now on/);
        const failed = session.skipped.find((s) => s.provider === 'webgpu');
        assert.match(failed!.reason, /^failed during a run: .*storage buffers/i);

        await session.run({ x: small }); // stays on the CPU, no new warning
        assert.equal(session.provider, 'cpu');
        assert.equal(warnings.length, 1);
      } finally {
        await session.release();
        await cpu.session.release();
      }
    });

    it('an input the model refuses is not blamed on the GPU: the error is thrown and WebGPU stays', async () => {
      requireEnvironment();
      const session = await openSession(concatModel(), 'webgpu', { requireFullGpuPlacement: true });
      try {
        await assert.rejects(session.run({ x: new ort.Tensor('float32', new Float32Array(6), [2, 3]) }), /dimension|Got invalid/i);
        assert.equal(session.provider, 'webgpu');
        assert.deepEqual(session.skipped, []);
      } finally {
        await session.release();
      }
    });

    it(`ResNet-50 on WebGPU (NHWC), every node on the GPU: all outputs equal the CPU's within ${TOLERANCE} on ${PHOTO_SET.length} photos, same top-1 and boxes`, async () => {
      requireEnvironment();
      const model = await loadModelFiles();
      const images = await Promise.all(PHOTO_SET.map((p) => decodeImage(PHOTOS + p, INPUT_SIZE)));
      const input = new ort.Tensor('float32', toNHWCBatch(images.map((i) => i.pixels), INPUT_SIZE), [images.length, INPUT_SIZE, INPUT_SIZE, 3]);
      const run = async (device: 'cpu' | 'webgpu'): Promise<Outputs> => {
        const s = await openSession(model.onnxPath, device, { requireFullGpuPlacement: true, providerOptions: { webgpu: { preferredLayout: 'NHWC' } } });
        try {
          assert.equal(s.provider, device);
          const out = (await s.run({ pixels: input })) as Outputs;
          assert.equal(s.provider, device, `${device} ran the batch itself`);
          return out;
        } finally {
          await s.release();
        }
      };
      const cpu = await run('cpu');
      const gpu = await run('webgpu');
      // Probabilities and pooled features (magnitudes ≤ ~10) in absolute terms; the feature map (values up to ~60)
      // relative to its largest magnitude.
      assert.ok(maxAbsDiff(gpu.probabilities.data as Float32Array, cpu.probabilities.data as Float32Array) <= TOLERANCE);
      assert.ok(maxAbsDiff(gpu.features.data as Float32Array, cpu.features.data as Float32Array) <= TOLERANCE);
      const cpuMap = cpu.feature_map.data as Float32Array;
      const mapScale = Math.max(1, maxAbsDiff(cpuMap, new Float32Array(cpuMap.length))); // its largest |value|
      const mapDiff = maxAbsDiff(gpu.feature_map.data as Float32Array, cpuMap);
      assert.ok(mapDiff <= TOLERANCE * mapScale, `feature map differs by ${mapDiff} (scale ${mapScale})`);

      const [, classes] = cpu.probabilities.dims as [number, number];
      const [, dim] = cpu.features.dims as [number, number];
      const [, channels, h, w] = cpu.feature_map.dims as [number, number, number, number];
      for (const [n, image] of images.entries()) {
        const post = (o: Outputs) => {
          const probs = (o.probabilities.data as Float32Array).subarray(n * classes, (n + 1) * classes);
          const predictions = topPredictions(probs, model.head.labels, 5);
          const vector = l2Normalize((o.features.data as Float32Array).subarray(n * dim, (n + 1) * dim));
          const map = { data: (o.feature_map.data as Float32Array).subarray(n * channels * h * w, (n + 1) * channels * h * w), channels, height: h, width: w };
          return { predictions, vector, boxes: localizeClasses(map, model.head, predictions, image.region).boxes };
        };
        const c = post(cpu);
        const g = post(gpu);
        assert.equal(g.predictions[0]!.label, c.predictions[0]!.label, PHOTO_SET[n]);
        assert.ok(maxAbsDiff(g.vector, c.vector) <= TOLERANCE);
        assert.deepEqual(
          g.boxes.map(({ score: _s, ...b }) => b),
          c.boxes.map(({ score: _s, ...b }) => b),
          `${PHOTO_SET[n]}: same boxes`,
        );
      }
    });

    it('the embedder on WebGPU (NCHW layout, full placement required) gives the CPU embedder\'s classes, vector and boxes', async () => {
      requireEnvironment();
      const photo = PHOTOS + 'cat.jpg';
      const gpu = await createEmbedder({ device: 'webgpu', requireFullGpuPlacement: true, providerOptions: { webgpu: { preferredLayout: 'NCHW' } } });
      const cpu = await createEmbedder({ device: 'cpu' });
      try {
        assert.equal(gpu.info().provider, 'webgpu');
        assert.deepEqual(gpu.info().skipped, []);
        const [g] = await gpu.analyze([photo]);
        const [c] = await cpu.analyze([photo]);
        assert.equal(gpu.info().provider, 'webgpu', 'no fallback happened');
        assert.deepEqual(
          g!.predictions.map((p) => p.label),
          c!.predictions.map((p) => p.label),
        );
        assert.ok(maxAbsDiff(g!.predictions.map((p) => p.score), c!.predictions.map((p) => p.score)) <= TOLERANCE);
        assert.ok(maxAbsDiff(g!.vector, c!.vector) <= TOLERANCE);
        assert.ok(cosine(g!.vector, c!.vector) > 0.99999);
        assert.deepEqual(
          g!.boxes.map(({ score: _s, ...b }) => b),
          c!.boxes.map(({ score: _s, ...b }) => b),
        );
      } finally {
        await gpu.dispose();
        await cpu.dispose();
      }
    });
  });
}
