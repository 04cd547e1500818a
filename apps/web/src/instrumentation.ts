// Runs once when the server starts (Node runtime): validates the configuration, starts the ingest worker, loads the
// model and the index, and queues the demo catalog on first start.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { boot } = await import('./server/boot');
  await boot();
}
