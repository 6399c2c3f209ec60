import { Logger } from '@nestjs/common';
import { bootstrapApp } from '@atrium/server';
import { WorkerModule } from './app.module.js';
import { loadWorkerConfig } from './config.js';

/**
 * `atrium worker`: serves the instances in WORKER_INSTANCES until SIGINT/SIGTERM (or, under
 * `atrium start`, until the parent goes away), then shuts down gracefully and resolves.
 */
export async function main(env: Record<string, string | undefined> = process.env): Promise<void> {
  const config = loadWorkerConfig(env);
  const app = await bootstrapApp(WorkerModule.forRoot(config), {
    port: config.port,
    host: config.host,
    observability: config.observability,
    service: 'worker',
  });
  new Logger('worker').log(`worker for ${config.instances.map((i) => i.name).join(', ')} on port ${config.port}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    if (process.send) process.once('disconnect', () => resolve());
  });
  await app.close();
}
