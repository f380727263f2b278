#!/usr/bin/env node
import { listen, onShutdownSignal } from '@stella-ops/service-kit';
import { createApp } from './app.js';
import { ConfigError, envToCfg, readEnv } from './config.js';
import { createAppContext } from './context.js';
import { migrate } from './db/migrate.js';
import { rootLogger } from './logger.js';

const USAGE = 'usage: stella-reachgraph serve | migrate';

async function serve(): Promise<void> {
  const cfg = envToCfg(readEnv());
  const ctx = await createAppContext(cfg);
  const server = await listen(createApp(ctx), cfg.service.port, cfg.service.host);
  ctx.logger.info({ url: server.url }, 'reachgraph listening');
  onShutdownSignal(ctx.logger, async () => {
    await server.close();
    await ctx.destroy();
  });
}

async function runMigrations(): Promise<void> {
  const env = readEnv();
  const url = env.migrateDatabaseUrl ?? env.databaseUrl;
  if (!url)
    throw new ConfigError('REACHGRAPH_MIGRATE_DATABASE_URL', 'is required (or REACHGRAPH_DATABASE_URL)');
  const logger = rootLogger(env.logLevel ?? 'info');
  const applied = await migrate(url, env.appRole ?? 'reachgraph_app');
  logger.info({ applied }, applied.length ? 'migrations applied' : 'schema is up to date');
}

const command = process.argv[2];
const run = command === 'serve' ? serve : command === 'migrate' ? runMigrations : undefined;
if (!run) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
run().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? `configuration error: ${err.message}` : String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(1);
});
