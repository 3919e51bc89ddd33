import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { FileKeyProvider } from '../../credentials/index.js';

export function register(program: Command): void {
  const keys = program.command('keys').description('Issuer signing keys');
  keys
    .command('rotate')
    .description('Add a new signing key and retire the current one (it keeps verifying the labels it signed)')
    .action(async () => {
      const config = loadConfig();
      const provider = await FileKeyProvider.open(config.keysDir, new Date());
      const before = provider.activeKey();
      const after = await provider.rotate(new Date());
      process.stdout.write(
        `Retired ${before.kid}\nActive  ${after.kid}\nRestart running servers so they sign with the new key.\n`,
      );
    });
  keys
    .command('list')
    .description('List the issuer keys, active and retired')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const provider = await FileKeyProvider.open(loadConfig().keysDir, new Date());
      const list = provider.keys();
      if (options.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      else
        for (const k of list)
          process.stdout.write(
            `${k.kid}  ${k.retiredAt ? `retired ${k.retiredAt}` : 'active'}  created ${k.createdAt}\n`,
          );
    });
}
