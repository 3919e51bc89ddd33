import type { Command } from 'commander';
import { listReferentials } from '../../referential/load.js';
import { parseLang, resolveReferential } from '../shared.js';

export function register(program: Command): void {
  const cmd = program.command('referential').description('Inspect and check referentials');

  cmd
    .command('list')
    .description('List the referential versions shipped with confiance')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) => {
      const refs = listReferentials().map(({ id, version }) => ({ id, version }));
      if (options.json) process.stdout.write(JSON.stringify(refs, null, 2) + '\n');
      else for (const r of refs) process.stdout.write(`${r.id}@${r.version}\n`);
    });

  cmd
    .command('validate')
    .description('Validate a referential file (schema and CEL rules); lists every problem')
    .argument('<file>', 'referential YAML or JSON file')
    .action((file: string) => {
      const compiled = resolveReferential(file);
      const doc = compiled.document;
      process.stdout.write(`${doc.id}@${doc.version}: ${compiled.criteria.length} criteria, valid\n`);
    });

  cmd
    .command('show')
    .description('Show the criteria of a referential')
    .argument('[spec]', 'id[@version] or file', undefined)
    .option('--lang <lang>', 'fr or en', 'fr')
    .option('--json', 'print the referential document as JSON')
    .action((spec: string | undefined, options: { lang: string; json?: boolean }) => {
      const lang = parseLang(options.lang);
      const compiled = resolveReferential(spec);
      const doc = compiled.document;
      if (options.json) {
        process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
        return;
      }
      process.stdout.write(`${doc.title[lang]} — ${doc.id}@${doc.version}\n\n`);
      for (const level of doc.levels) {
        process.stdout.write(`[${level.id}] ${level.title[lang]}\n`);
        for (const c of doc.criteria.filter((c) => c.levels[0] === level.id)) {
          const overlay = c.dataClasses ? ` (${c.dataClasses.join(', ')})` : '';
          process.stdout.write(`  ${c.id.padEnd(16)} ${c.title[lang]}${overlay}\n`);
        }
      }
    });
}
