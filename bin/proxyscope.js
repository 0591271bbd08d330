#!/usr/bin/env node
// Entry point installed as `proxyscope`: always headless (Node has no window).
import { run } from '../dist/electron/headless/cli.js';

run();
