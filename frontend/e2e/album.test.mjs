// Node 20's test runner picks files named *.test.mjs; this runs the pocket-album scenario.
import './album.e2e.mjs'
