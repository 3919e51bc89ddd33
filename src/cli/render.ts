/** Terminal rendering shared by commands: colours only on a terminal, plain text otherwise. */
import type { Lang } from '../referential/types.js';

export interface Style {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function style(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) =>
    enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

export function colourEnabled(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR) return true;
  return stream.isTTY === true;
}

/** Wraps text at `width` columns, indenting continuation lines. */
export function wrap(text: string, width: number, indent: number): string {
  const room = Math.max(20, width - indent);
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n' + ' '.repeat(indent));
}

/** A progress line on stderr, only when stderr is a terminal, so piped and machine output stay clean. */
export function progressBar(label: string, total: number) {
  const enabled = process.stderr.isTTY === true && total > 1;
  let last = 0;
  return {
    tick(done: number) {
      if (!enabled) return;
      const now = Date.now();
      if (done < total && now - last < 80) return;
      last = now;
      const width = 28;
      const filled = Math.round((done / total) * width);
      process.stderr.write(
        `\r\x1b[2K${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`,
      );
    },
    done() {
      if (enabled) process.stderr.write('\r\x1b[2K');
    },
  };
}

export const STATUS_LABELS: Record<string, Record<Lang, string>> = {
  pass: { fr: 'conforme', en: 'pass' },
  fail: { fr: 'non conforme', en: 'fail' },
  'manual-review': { fr: 'revue manuelle', en: 'manual review' },
  'not-applicable': { fr: 'sans objet', en: 'not applicable' },
  'missing-data': { fr: 'donnée manquante', en: 'missing data' },
  attained: { fr: 'atteint', en: 'attained' },
  'subject-to-review': { fr: 'atteignable sous réserve de revue', en: 'attainable subject to review' },
  'not-attained': { fr: 'non atteint', en: 'not attained' },
};
