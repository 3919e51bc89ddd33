import type { Command } from 'commander';
import { declarationSchema } from '../../declaration/validate.js';
import { referentialSchema } from '../../referential/load.js';
import { CliError, EXIT } from '../errors.js';

const SCHEMAS: Record<string, Record<string, unknown>> = {
  declaration: declarationSchema,
  referential: referentialSchema,
};

export function register(program: Command): void {
  program
    .command('schema')
    .description('Print a JSON Schema: declaration (format v1) or referential')
    .argument('<name>', Object.keys(SCHEMAS).join(' | '))
    .action((name: string) => {
      const schema = SCHEMAS[name];
      if (!schema) {
        throw new CliError(`unknown schema "${name}"`, EXIT.badInput, [
          { path: '<name>', message: `one of: ${Object.keys(SCHEMAS).join(', ')}` },
        ]);
      }
      process.stdout.write(JSON.stringify(schema, null, 2) + '\n');
    });
}
