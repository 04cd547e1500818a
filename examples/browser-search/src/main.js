// Embeds the chosen photo in the browser and searches the Loupe server with its vector.
// serve.mjs serves the model files under /model/, onnxruntime-web's .wasm under /ort/ and forwards /api/ to Loupe.
import { createBrowserEmbedder } from '@loupe/embedding/browser';
import { LoupeClient } from '@loupe/client';

const input = document.getElementById('photo');
const status = document.getElementById('status');
const list = document.getElementById('results');
const setState = (state, text) => {
  document.body.dataset.state = state;
  status.textContent = text;
};

async function load() {
  const labels = await (await fetch('/model/labels.json')).json();
  // The fp16-weight model is half the download and gives the same classes (see @loupe/embedding's README).
  return createBrowserEmbedder({ model: '/model/resnet50.fp16.onnx', labels, wasmPaths: '/ort/' });
}

/** The file's pixels as RGBA, through the browser's own decoder. */
async function pixelsOf(file) {
  const bitmap = await createImageBitmap(file);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  return { data, width: bitmap.width, height: bitmap.height, channels: 4 };
}

try {
  const embedder = await load();
  const client = new LoupeClient({ baseUrl: location.origin });
  input.disabled = false;
  setState('ready', 'Choose a photo.');
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    list.replaceChildren();
    try {
      setState('working', 'Embedding in the browser…');
      const [vector] = await embedder.embed([await pixelsOf(file)]);
      setState('working', 'Searching…');
      // The model id makes the server refuse a vector of another model or pooling instead of matching noise.
      const { results } = await client.searchByVector(vector, { k: 5, model: embedder.info().modelId });
      for (const r of results) {
        const item = document.createElement('li');
        item.textContent = `${r.title} — ${r.catalog} (${r.score.toFixed(3)})`;
        item.dataset.score = String(r.score);
        list.append(item);
      }
      setState('done', results.length ? `${results.length} results` : 'No results.');
    } catch (err) {
      setState('error', `Could not search: ${err.message}`);
    }
  });
} catch (err) {
  setState('error', `Could not load the model: ${err.message}`);
}
