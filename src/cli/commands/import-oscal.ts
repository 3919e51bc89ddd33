/**
 * `confiance import oscal <catalog.json>`: an OSCAL 1.1 catalog as a draft referential (YAML), every rule a
 * manual review until an author writes CEL. The draft is loaded back before it is written, so what comes
 * out always passes `confiance referential` checks.
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { catalogToReferential, OscalImportError } from '../../interop/oscal/import-catalog.js';
import { parseReferential } from '../../referential/load.js';
import { CliError, EXIT } from '../errors.js';
import { parseLang } from '../shared.js';
import { writeOutput } from './export.js';

interface OscalImportOptions {
  id?: string;
  refVersion?: string;
  lang: string;
  out?: string;
  json?: boolean;
}

export function registerOscalImport(cmd: Command, readJson: (file: string) => unknown): void {
  cmd
    .command('oscal')
    .description('An OSCAL 1.1 catalog to a draft referential (YAML): groups, controls, parameters')
    .argument('<catalog>', 'OSCAL catalog (JSON)')
    .option('--id <id>', 'referential id (default: from the catalog title)')
    // Not --version: the program's own option takes that name.
    .option('--ref-version <x.y.z>', "referential version (default: the catalog's, or 0.1.0)")
    .option('--lang <lang>', 'language of the catalog text: fr or en', 'en')
    .option('-o, --out <file>', 'write the draft referential to a file instead of standard output')
    .option('--json', 'print {referential, renamed, notes} as JSON')
    .action((file: string, options: OscalImportOptions) => {
      const lang = parseLang(options.lang);
      let result: ReturnType<typeof catalogToReferential>;
      try {
        result = catalogToReferential(readJson(file), {
          lang,
          ...(options.id ? { id: options.id } : {}),
          ...(options.refVersion ? { version: options.refVersion } : {}),
        });
      } catch (err) {
        if (err instanceof OscalImportError)
          throw new CliError(`${file}: ${err.message}`, EXIT.badInput, err.issues);
        throw err;
      }
      const header = [
        `# Draft referential imported from ${file} by \`confiance import oscal\`.`,
        ...result.notes.map((n) => `# - ${n}`),
        '',
      ].join('\n');
      const yaml = `${header}${stringify(result.referential, { lineWidth: 110 })}`;
      // Our own check: a draft that does not load is a bug in the importer, not the user's problem.
      parseReferential(yaml);
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (options.out || !options.json) writeOutput(yaml, options.out);
      if (options.out) {
        process.stderr.write(
          `${result.referential.criteria.length} criteria in ${result.referential.categories.length} categories → ${options.out}\n`,
        );
      }
    });
}
