/**
 * Answers given outside the declaration (a self-assessment, an assessor): a document mapping criterion
 * ids to rung indexes, each recorded with who gave it.
 *
 *   source: Self-assessment by Example Cloud SAS, 2026-11
 *   answers:
 *     SOV-2.4: 3
 *     SOV-3.5: { rung: 1, source: assessor, note: licensed model on foreign GPUs }
 */
import type { Answer } from './types.js';

export interface AnswerIssue {
  path: string;
  message: string;
}

export type AnswersResult =
  | { ok: true; answers: Record<string, Answer> }
  | { ok: false; issues: AnswerIssue[] };

export function parseAnswers(value: unknown): AnswersResult {
  const issues: AnswerIssue[] = [];
  if (!isObject(value))
    return { ok: false, issues: [{ path: '$', message: 'must be an object with `answers`' }] };
  for (const key of Object.keys(value)) {
    if (key !== 'source' && key !== 'answers')
      issues.push({ path: `$.${key}`, message: 'unknown property (check its spelling)' });
  }
  const defaultSource = value.source;
  if (defaultSource !== undefined && (typeof defaultSource !== 'string' || defaultSource.trim() === '')) {
    issues.push({ path: '$.source', message: 'must be a non-empty string' });
  }
  if (!isObject(value.answers)) {
    issues.push({ path: '$.answers', message: 'must map criterion ids to rungs' });
    return { ok: false, issues };
  }
  const answers: Record<string, Answer> = {};
  for (const [id, raw] of Object.entries(value.answers)) {
    const at = `$.answers[${JSON.stringify(id)}]`;
    const entry = typeof raw === 'number' ? { rung: raw } : raw;
    if (!isObject(entry)) {
      issues.push({ path: at, message: 'must be a rung index or {rung, source, note}' });
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (!['rung', 'source', 'note'].includes(key))
        issues.push({ path: `${at}.${key}`, message: 'unknown property' });
    }
    const source = entry.source ?? defaultSource;
    if (typeof entry.rung !== 'number' || !Number.isInteger(entry.rung)) {
      issues.push({ path: `${at}.rung`, message: 'must be an integer rung index (0 = the worst answer)' });
      continue;
    }
    if (typeof source !== 'string' || source.trim() === '') {
      issues.push({
        path: `${at}.source`,
        message: 'say who gave the answer (here or in the top-level `source`)',
      });
      continue;
    }
    if (entry.note !== undefined && typeof entry.note !== 'string') {
      issues.push({ path: `${at}.note`, message: 'must be a string' });
      continue;
    }
    answers[id] = {
      rung: entry.rung,
      source,
      ...(typeof entry.note === 'string' ? { note: entry.note } : {}),
    };
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, answers };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
