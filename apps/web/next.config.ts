import type { NextConfig } from 'next';

// Native modules stay outside the bundle (Node loads them at run time); our workspace packages, which export
// TypeScript sources, are compiled into it.
const config: NextConfig = {
  serverExternalPackages: ['hnswlib-node', 'onnxruntime-node', 'sharp', 'better-sqlite3', '@prisma/client', 'pg', 'pino', 'yauzl', 'onnx-proto'],
  transpilePackages: ['@loupe/core', '@loupe/db', '@loupe/embedding', '@loupe/heads', '@loupe/vector-index', '@loupe/client'],
  poweredByHeader: false,
  reactStrictMode: true,
  // Cross-origin isolation lets in-browser mode run onnxruntime-web on several WebAssembly threads
  // (SharedArrayBuffer). Everything the pages load is same-origin, so nothing else is affected.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
        ],
      },
    ];
  },
};

export default config;
