// The graph builder moved to src/onnx-graph.ts (it is public: `import { GraphBuilder } from '@loupe/embedding'`).
// This re-export keeps the scripts' and tests' relative imports working.
export * from '../src/onnx-graph.ts';
