// Node 20's test runner picks files named *.test.mjs; this runs the live-album scenario.
import './live.e2e.mjs'
