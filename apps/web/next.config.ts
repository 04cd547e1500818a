import type { NextConfig } from 'next';

// Native modules stay outside the bundle (Node loads them at run time); our workspace packages, which export
// TypeScript sources, are compiled into it.
const config: NextConfig = {
  serverExternalPackages: ['hnswlib-node', 'onnxruntime-node', 'sharp', 'better-sqlite3', '@prisma/client', 'pg', 'pino', 'yauzl'],
  transpilePackages: ['@loupe/core', '@loupe/db', '@loupe/embedding', '@loupe/vector-index', '@loupe/client'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
