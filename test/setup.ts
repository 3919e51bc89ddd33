/**
 * Loaded before every test file: property tests draw from a fixed seed so that a run is reproducible
 * and CI is deterministic. Set FC_SEED to explore other seeds locally (a failure prints its seed and path).
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261129) });
