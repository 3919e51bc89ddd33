import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { FileKeyProvider } from '../../credentials/index.js';
import { openStore } from '../../store/db.js';
import { auditStoredLog } from '../../workflow/log-audit.js';
import { EXIT } from '../errors.js';
import { colourEnabled, progressBar, style } from '../render.js';

export function register(program: Command): void {
  const log = program.command('log').description('The transparency log');
  log
    .command('verify')
    .description('Recompute the log from its stored entries; check every checkpoint and their consistency')
    .option('--json', 'machine-readable result')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig();
      const keys = await FileKeyProvider.open(config.keysDir, new Date());
      const store = await openStore({ url: config.databaseUrl });
      try {
        let bar: ReturnType<typeof progressBar> | undefined;
        const result = await auditStoredLog(store.db, {
          origin: config.logOrigin,
          keys: keys.keys().map((k) => ({
            name: config.logOrigin,
            publicKey: new Uint8Array(Buffer.from(k.publicJwk.x, 'base64url')),
          })),
          onProgress: options.json
            ? undefined
            : (done, total) => {
                bar ??= progressBar('Auditing log', total);
                bar.tick(done);
              },
        });
        bar?.done();
        const s = style(colourEnabled(process.stdout));
        if (options.json) {
          const printable = result.ok
            ? { ...result, root: Buffer.from(result.root).toString('base64') }
            : result;
          process.stdout.write(JSON.stringify(printable, null, 2) + '\n');
        } else if (result.ok) {
          process.stdout.write(
            `${s.green('log consistent')}: ${result.size} leaves, ${result.checkpoints} checkpoints, root ${Buffer.from(result.root).toString('base64')}\n`,
          );
        } else {
          process.stdout.write(
            `${s.red(`log audit failed (${result.kind})`)}: ${result.message}\n  at ${JSON.stringify(result.at)}\n`,
          );
        }
        process.exitCode = result.ok ? EXIT.ok : EXIT.negative;
      } finally {
        await store.close();
      }
    });
}
