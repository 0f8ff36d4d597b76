#!/usr/bin/env node
// The `chit` executable: the compiled CLI (run `pnpm build` first).
import '../dist/main.js';
