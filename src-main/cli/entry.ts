// The built CLI (out/main/cli.js), started by bin/rollcall.mjs.
import { runCli } from './main';

runCli();
