import type { NextConfig } from 'next';

// The published packages point their exports at dist/ for users and at their TypeScript sources under the
// "@loupe/source" condition, which Turbopack cannot be told to use: these aliases send it to the sources.
const sources = {
  '@loupe/api': '../../packages/api/src/index.ts',
  '@loupe/embedding': '../../packages/embedding/src/index.ts',
  '@loupe/embedding/browser': '../../packages/embedding/src/browser.ts',
  '@loupe/vector-index': '../../packages/vector-index/src/index.ts',
  '@loupe/client': '../../packages/client/src/index.ts',
  '@loupe/detection': '../../packages/detection/src/index.ts',
  '@loupe/segmentation': '../../packages/segmentation/src/index.ts',
};

// Native modules stay outside the bundle (Node loads them at run time); our workspace packages, which export
// TypeScript sources, are compiled into it.
const dev = process.env.NODE_ENV !== 'production'; // `next dev` evaluates scripts and talks over a websocket

const CSP = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const config: NextConfig = {
  turbopack: { resolveAlias: sources },
  serverExternalPackages: ['hnswlib-node', 'onnxruntime-node', 'sharp', 'better-sqlite3', '@prisma/client', 'pg', 'pino', 'yauzl', 'onnx-proto', 'piscina'],
  transpilePackages: ['@loupe/api', '@loupe/core', '@loupe/db', '@loupe/detection', '@loupe/embedding', '@loupe/heads', '@loupe/vector-index', '@loupe/client'],
  poweredByHeader: false,
  reactStrictMode: true,
  // Cross-origin isolation lets in-browser mode run onnxruntime-web on several WebAssembly threads
  // (SharedArrayBuffer). Everything the pages load is same-origin, so nothing else is affected.
  // Security headers on every page and API response: the CSP allows only this origin, plus what the app itself
  // needs — WebAssembly compilation and blob workers (in-browser mode), inline scripts (Next.js hydration data),
  // inline styles; nothing may frame the app.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
          { key: 'Content-Security-Policy', value: CSP },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default config;
