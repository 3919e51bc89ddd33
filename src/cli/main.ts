import { Command, CommanderError } from 'commander';
import { formatError } from './errors.js';

const program = new Command('confiance')
  .description('Runs the "cloud de confiance" trust label: referential, evaluation, labels, registry, placement.')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

// Each command lives in src/cli/commands/<name>.ts and exports `register(program)`.
const commands = [] as Array<{ register(program: Command): void }>;
for (const command of commands) command.register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // commander already printed its message (and help on usage errors)
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    const { text, exitCode } = formatError(err);
    process.stderr.write(text + '\n');
    process.exitCode = exitCode;
  }
}
