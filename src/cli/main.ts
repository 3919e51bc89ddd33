import { Command, CommanderError } from 'commander';
import * as adminCommand from './commands/admin.js';
import * as evaluateCommand from './commands/evaluate.js';
import * as exportCommand from './commands/export.js';
import * as importCommand from './commands/import.js';
import * as keysCommand from './commands/keys.js';
import * as logCommand from './commands/log.js';
import * as placeCommand from './commands/place.js';
import * as referentialCommand from './commands/referential.js';
import * as scanCommand from './commands/scan.js';
import * as schemaCommand from './commands/schema.js';
import * as serveCommand from './commands/serve.js';
import * as sovereigntyCommand from './commands/sovereignty.js';
import * as verifyCommand from './commands/verify.js';
import { formatError } from './errors.js';

const program = new Command('confiance')
  .description(
    'Runs the "cloud de confiance" trust label: referential, evaluation, labels, registry, placement.',
  )
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

// Each command lives in src/cli/commands/<name>.ts and exports `register(program)`.
const commands: Array<{ register(program: Command): void }> = [
  evaluateCommand,
  serveCommand,
  adminCommand,
  keysCommand,
  verifyCommand,
  logCommand,
  schemaCommand,
  referentialCommand,
  exportCommand,
  importCommand,
  sovereigntyCommand,
  placeCommand,
  scanCommand,
];
for (const command of commands) command.register(program);

// A closed pipe (`confiance … | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

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
