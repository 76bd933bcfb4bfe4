// Node 20's test runner, given a directory, only picks files named like *.test.mjs;
// this makes `node --test frontend/e2e/` run the scenario in leads.e2e.mjs.
import './leads.e2e.mjs'
