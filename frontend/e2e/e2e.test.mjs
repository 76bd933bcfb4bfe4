// Node 20's test runner, given a directory, only picks files named like *.test.mjs;
// this makes `node --test frontend/e2e/` run the scenario in setup.e2e.mjs.
import './setup.e2e.mjs'
