#!/usr/bin/env node
// Entry point installed as `proxyscope`: always headless (Node has no window).
import { run } from '../dist/electron/headless/cli.js';
import { runHeadless } from '../dist/electron/headless/nodeFlags.js';

runHeadless(process.argv.slice(2), run);
