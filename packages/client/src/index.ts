// @loupe/client — typed client for Loupe's REST API.
export { LoupeClient, LoupeApiError, type LoupeClientOptions } from './client.ts';
export type * from './types.ts';
