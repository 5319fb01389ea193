#!/usr/bin/env node
// Thin launcher: the compiled command line lives in dist/ (built by `npm install` via the prepare script).
import { installProcessGuard } from '../dist/src/guard.js';
import { main } from '../dist/src/cli/main.js';
installProcessGuard();
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
