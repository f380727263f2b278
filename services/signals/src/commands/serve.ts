import { listen, onShutdownSignal } from '@stella-ops/service-kit';
import { createApp } from '../app.js';
import { loadConfig } from '../config/resolve-config.js';
import { createAppContext } from '../context.js';

/** `stella-signals serve`: listen until SIGTERM, then drain and close (service-kit). */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cfg = loadConfig(env);
  const ctx = await createAppContext(cfg);
  const server = await listen(createApp(ctx), cfg.http.port, cfg.http.host);
  ctx.logger.info({ url: server.url, pipelineVersion: ctx.build.pipelineVersion }, 'signals listening');
  onShutdownSignal(ctx.logger, async () => {
    await server.close();
    await ctx.destroy();
  });
}
