#!/usr/bin/env node
// The command runs the TypeScript sources through tsx so a clone works right after `npm install`,
// without a build step; relying parties importing `confiance/verify` get the compiled dist/ instead.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
