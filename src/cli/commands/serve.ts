import type { Command } from 'commander';
import { buildServer } from '../../api/server.js';
import { ConfigError, loadConfig } from '../../config.js';
import { webServerOptions } from '../../web/plugin.js';
import { createContext } from '../../workflow/bootstrap.js';
import { suspendAfterGracePeriod } from '../../workflow/reevaluation.js';
import { isEmpty, seedExamples } from '../../workflow/seed.js';
import { startWebhookWorker } from '../../workflow/webhooks.js';
import { CliError, EXIT } from '../errors.js';
import { progressBar } from '../render.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Start the label authority service (API, status lists, transparency log, registry)')
    .option('--port <port>', 'port to listen on (default: PORT or 8080)')
    .option('--host <host>', 'interface to listen on (default: HOST or 127.0.0.1)')
    .option('--no-seed', 'do not load the sample declarations into an empty database')
    .action(async (options: { port?: string; host?: string; seed: boolean }) => {
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig(process.env, {
          ...(options.port ? { port: Number(options.port) } : {}),
          ...(options.host ? { host: options.host } : {}),
        });
        if (options.port && !process.env.CONFIANCE_PUBLIC_URL)
          config.publicUrl = `http://localhost:${config.port}`;
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(err.message, EXIT.badInput);
        throw err;
      }
      const ctx = await createContext(config);
      if (config.seedExamples && options.seed && (await isEmpty(ctx))) {
        const bar = progressBar('Loading sample data', 10);
        const seeded = await seedExamples(ctx, undefined, (done) => bar.tick(done));
        bar.done();
        process.stderr.write(
          `Loaded ${seeded.length} sample declarations (${seeded.filter((s) => s.level).length} labelled).\n`,
        );
      }
      const app = await buildServer(ctx, { logger: { level: config.logLevel }, ...webServerOptions(ctx) });
      await app.listen({ port: config.port, host: config.host });
      const sweep = setInterval(() => {
        suspendAfterGracePeriod(ctx).catch((err) => app.log.error({ err }, 'grace-period sweep failed'));
      }, 3600_000);
      sweep.unref();
      // Webhook deliveries: polled from the database outbox; a label event in this process wakes it at once.
      const webhooks = startWebhookWorker(ctx, {
        onError: (err) => app.log.error({ err }, 'webhook delivery pass failed'),
      });
      const notify = ctx.onLabelEvent;
      ctx.onLabelEvent = (event) => {
        notify?.(event);
        webhooks.wake();
      };
      process.stdout.write(
        `confiance is listening on ${config.publicUrl}\n` +
          `  registry      ${config.publicUrl}/\n` +
          `  API docs      ${config.publicUrl}/docs\n` +
          `  OpenAPI       ${config.publicUrl}/openapi.json\n` +
          `  DID document  ${config.publicUrl}/.well-known/did.json\n` +
          `  database      ${ctx.store.dialect === 'postgres' ? 'PostgreSQL' : config.databaseUrl}\n`,
      );
      let closing = false;
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        app.log.info({ signal }, 'shutting down');
        clearInterval(sweep);
        // close() stops accepting connections and waits for in-flight requests.
        await app.close();
        // Lets the requests in flight to receivers finish (at most their timeout) and record their outcome.
        await webhooks.stop();
        await ctx.store.close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      process.once('SIGINT', () => void shutdown('SIGINT'));
    });
}
