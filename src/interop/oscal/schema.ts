/**
 * Validation of our OSCAL exports against NIST's published JSON Schemas (OSCAL 1.1.3, draft-07), vendored
 * unmodified in vendor/oscal/ (see its README for origin and licence). Compiled once per process.
 */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import * as ajvModule from 'ajv';
import * as ajvFormatsModule from 'ajv-formats';
import { ajvIssues } from '../../util/schema.js';
import type { Issue } from '../../util/source.js';
import { OSCAL_VERSION } from './ids.js';

// Ajv and ajv-formats are CommonJS packages whose default export arrives wrapped under NodeNext.
const Ajv = ajvModule.default.default ?? ajvModule.default;
const addFormats = ajvFormatsModule.default.default ?? ajvFormatsModule.default;

export type OscalModel = 'catalog' | 'assessment-results';

const FILES: Record<OscalModel, string> = {
  catalog: 'oscal_catalog_schema.json',
  'assessment-results': 'oscal_assessment-results_schema.json',
};

const vendorDir = new URL(`../../../vendor/oscal/${OSCAL_VERSION}/`, import.meta.url);
const compiled = new Map<OscalModel, ValidateFunction>();

function validator(model: OscalModel): ValidateFunction {
  let fn = compiled.get(model);
  if (!fn) {
    const schema = JSON.parse(readFileSync(new URL(FILES[model], vendorDir), 'utf8')) as Record<
      string,
      unknown
    >;
    // NIST's token pattern uses \p{L} classes: Ajv's `u` flag (unicodeRegExp) makes them compile as is.
    const ajv = new Ajv({ allErrors: true, strict: true, unicodeRegExp: true });
    addFormats(ajv);
    fn = ajv.compile(schema);
    compiled.set(model, fn);
  }
  return fn;
}

/** Every schema violation of an OSCAL document, with its JSON path; empty when valid. */
export function validateOscal(model: OscalModel, document: unknown): Issue[] {
  const fn = validator(model);
  return fn(document) ? [] : ajvIssues(fn.errors);
}
