import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createOrganisation, createUser } from '../../workflow/accounts.js';
import { createContext } from '../../workflow/bootstrap.js';
import { WorkflowError } from '../../workflow/errors.js';
import { CliError, EXIT } from '../errors.js';

export function register(program: Command): void {
  const admin = program.command('admin').description('Administration on the local database');
  admin
    .command('create-user')
    .description(
      'Create a user; with --role authority and no organisation, creates the authority organisation too',
    )
    .requiredOption('--email <email>', 'login email')
    .option('--name <name>', 'display name', 'Label authority')
    .option('--role <role>', 'authority, assessor or provider (the organisation kind)', 'authority')
    .option('--organisation <id>', 'existing organisation id')
    .option('--organisation-name <name>', 'name of the organisation to create', 'Autorité du label')
    .option('--password <password>', 'password (default: a random one, printed once)')
    .action(
      async (options: {
        email: string;
        name: string;
        role: string;
        organisation?: string;
        organisationName: string;
        password?: string;
      }) => {
        if (!['authority', 'assessor', 'provider'].includes(options.role)) {
          throw new CliError(`unknown role "${options.role}"`, EXIT.badInput, [
            { path: '--role', message: 'authority, assessor or provider' },
          ]);
        }
        const ctx = await createContext(loadConfig());
        try {
          const organisationId =
            options.organisation ??
            (
              await createOrganisation(ctx, 'cli', {
                name: options.organisationName,
                kind: options.role as 'authority',
                country: 'FR',
              })
            ).id;
          const password = options.password ?? randomBytes(18).toString('base64url');
          const user = await createUser(ctx, 'cli', {
            organisationId,
            email: options.email,
            displayName: options.name,
            password,
          });
          process.stdout.write(
            `Created ${user.role} ${user.email} (user ${user.id}, organisation ${organisationId})\n` +
              (options.password ? '' : `Password (shown once): ${password}\n`),
          );
        } catch (err) {
          if (err instanceof WorkflowError) {
            throw new CliError(
              err.message,
              err.kind === 'conflict' ? EXIT.negative : EXIT.badInput,
              err.details,
            );
          }
          throw err;
        } finally {
          await ctx.store.close();
        }
      },
    );
}
